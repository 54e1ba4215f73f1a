from collections import OrderedDict

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from .base import ReadOnlyView

ROOT_ENDPOINTS = (
    ("panels/signedoff", "signedoff-list"),
    ("panels", "panels-list"),
    ("activities", "activities-list"),
    ("genes", "genes-list"),
    ("strs", "strs-list"),
    ("regions", "regions-list"),
    ("entities", "entities-list"),
)


class ApiRoot(ReadOnlyView):
    @extend_schema(exclude=True)
    def get(self, request: Request, format: str | None = None) -> Response:
        return Response(
            OrderedDict(
                (name, reverse(f"api:v1:{route}", request=request, format=format)) for name, route in ROOT_ENDPOINTS
            )
        )
