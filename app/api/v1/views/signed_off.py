"""``/panels/signedoff/``: the versions of panels signed off for the NHS Genomic Medicine Service."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from panels import representation
from panels.selectors.versions import latest_public_sign_off, signed_off_list
from runtime.ids import parse_id

from .. import params
from ..serializers import PanelDetailSerializer, SignedOffPanelSerializer
from .base import PAGE, ReadOnlyView, paginated


class SignedOffList(ReadOnlyView):
    @extend_schema(
        operation_id="panels_signedoff_list",
        summary="Signed-off panel versions",
        description=(
            "`display=latest` (default): the latest signed-off version of each public panel. "
            "`display=all`: every signed-off version of public and retired panels. Ordered by panel id."
        ),
        parameters=[
            PAGE,
            OpenApiParameter("panel_id", int, description="Only this panel."),
            OpenApiParameter("display", str, enum=["latest", "all"], description="latest (default) or all."),
        ],
        responses=paginated(SignedOffPanelSerializer, "PaginatedSignedOffList"),
    )
    def get(self, request: Request, format: str | None = None) -> HttpResponse:
        return self.from_cache(request, lambda: self.build(request))

    def build(self, request: Request) -> Response:
        display = params.choice(request, "display", ("latest", "all"), "latest")
        panel_id = params.integer(request, "panel_id")
        return self.paginate(signed_off_list(display, panel_id), SignedOffPanelSerializer)


class SignedOffDetail(ReadOnlyView):
    @extend_schema(
        operation_id="panels_signedoff_retrieve",
        summary="Latest signed-off version of a panel (deprecated)",
        description="Deprecated in PanelApp; use `/panels/signedoff/?panel_id=`. The whole stored panel plus `signed_off`.",
        responses=PanelDetailSerializer,
        deprecated=True,
    )
    def get(self, request: Request, panel_id: str, format: str | None = None) -> Response:
        number = parse_id(panel_id)
        if number is None:
            raise NotFound()
        snapshot = latest_public_sign_off(number)
        if snapshot is None:
            raise NotFound()
        data = dict(snapshot.data)
        data["signed_off"] = representation.format_date(snapshot.signed_off_date)
        return Response(data)
