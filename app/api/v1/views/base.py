"""What every API v1 view shares: read-only access, pagination, panel lookup."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.cache import cache as django_cache
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from panels import cache as panel_cache
from panels.models import GenePanelSnapshot, HistoricalSnapshot
from panels.selectors import panels as panel_selectors
from panels.selectors.entities import MAX_TAGS
from panels.selectors.versions import stored_version
from panels.versions import Version
from panels.visibility import readable_statuses, sees_internal

from ..pagination import PanelAppPagination


class ReadOnlyView(APIView):
    """GET only: anything else is 405 (PanelApp GE has no write API)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        values = [str(v) for v in kwargs.values()] + [v for vs in request.query_params.lists() for v in vs[1]]
        if any("\x00" in value for value in values):
            # PostgreSQL text cannot hold NUL; no PanelApp name or parameter contains one.
            raise ParseError("Requests may not contain NUL characters.")

    def from_cache(self, request: Request, build: Callable[[], Response]) -> HttpResponse:
        """JSON answers that depend on no user are kept until any panel changes (panels.cache).

        ``build`` makes the Response. Errors and other formats (the browsable API) are not kept.
        """
        if getattr(request, "accepted_renderer", None) is None or request.accepted_renderer.format != "json":
            return build()
        if sees_internal(request.user):
            return build()  # a curator's answer may hold internal panels: never kept for others
        address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        key = f"panelapp:api:{panel_cache.site_revision()}:{address}"
        body = django_cache.get(key)
        if body is None:
            response = build()
            if response.status_code != 200:
                return response
            body = JSONRenderer().render(response.data)
            django_cache.set(key, body, panel_cache.TIMEOUT)
        return HttpResponse(body, content_type="application/json")

    def paginate(
        self,
        items: QuerySet[Any] | Sequence[Any],
        serializer_class: type[BaseSerializer[Any]],
        context: dict[str, Any] | None = None,
    ) -> Response:
        paginator = PanelAppPagination()
        page = paginator.paginate_queryset(items, self.request, view=self)
        data = serializer_class(page, many=True, context=context or {}).data
        return paginator.get_paginated_response(data)


def find_readable_snapshot(request: Request, term: str) -> GenePanelSnapshot:
    """``find_snapshot`` among the panels this request's user may read (panels.visibility)."""
    return find_snapshot(term, statuses=readable_statuses(request.user))


def find_snapshot(term: str, statuses: Iterable[str] | None = None) -> GenePanelSnapshot:
    """The live snapshot a lookup term names (id, legacy id, name, relevant disorder), or 404.

    Several panels may match a name or disorder; the first in panel-list order wins.
    """
    snapshot = panel_selectors.find_snapshot(term, statuses)
    if snapshot is None:
        raise NotFound()
    return snapshot


def find_historical(snapshot: GenePanelSnapshot, version: Version) -> HistoricalSnapshot:
    historical = stored_version(snapshot.panel_id, version)
    if historical is None:
        raise NotFound(f"Version {version} of this panel does not exist.")
    return historical


#: What ``paginated`` wraps: a serializer class, or a factory taking ``many=`` (the polymorphic
#: entity schema, ``serializers.entity_schema``).
SchemaOf = type[BaseSerializer[Any]] | Callable[..., BaseSerializer[Any]]

_ENVELOPES: dict[str, BaseSerializer[Any]] = {}


def paginated(serializer: SchemaOf, name: str) -> BaseSerializer[Any]:
    """Schema of the ``{count, next, previous, results}`` envelope around ``serializer``."""
    if name not in _ENVELOPES:
        _ENVELOPES[name] = _envelope(serializer, name)
    return _ENVELOPES[name]


def _envelope(serializer: SchemaOf, name: str) -> BaseSerializer[Any]:
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            # A class, or a factory taking many= (the polymorphic entity schema).
            "results": serializer(many=True),
        },
    )


PAGE = OpenApiParameter(
    "page", {"type": "integer", "minimum": 1}, description="Page number, from 1; 100 items per page."
)
VERSION = OpenApiParameter(
    "version", str, description="A version such as 1.12; earlier versions come from stored snapshots."
)
ENTITY_NAME = OpenApiParameter(
    "entity_name", str, description="Comma-separated entity names; a gene may be named by its HGNC id (HGNC:1100)."
)
INCLUDE_COMMENTS = OpenApiParameter(
    "include_comments", bool, description="true: each review with its comments (default false)."
)
TAGS = OpenApiParameter(
    "tags", str, description=f"Comma-separated tags; every tag must match. At most {MAX_TAGS} distinct tags."
)
CONFIDENCE = OpenApiParameter(
    "confidence_level",
    str,
    description="0, 1, 2 or 3 (3 means green, including legacy 4); comma-separated for several.",
)
PANEL_TYPES = OpenApiParameter("type", str, description="Comma-separated panel type slugs.")
PANEL_NAME = OpenApiParameter("panel_name", str, description="Comma-separated exact panel names.")
