"""``/panels/``: the panel list, a panel (live or any earlier version), its versions and activity."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from panels import answers, cache, representation
from panels.models import GenePanelSnapshot
from panels.selectors import panels as panel_selectors
from panels.selectors.activity import panel_activities
from panels.visibility import readable_statuses
from panels.vocab import VISIBLE_STATUSES, PanelStatus
from runtime.ids import parse_id

from .. import params
from ..serializers import ActivitySerializer, PanelDetailSerializer, PanelSerializer
from .base import PAGE, PANEL_TYPES, VERSION, ReadOnlyView, find_historical, find_snapshot, paginated


class PanelList(ReadOnlyView):
    @extend_schema(
        operation_id="panels_list",
        summary="List panels",
        description="Public and promoted panels, by name. Internal and deleted panels are never listed.",
        parameters=[
            PAGE,
            PANEL_TYPES,
            OpenApiParameter(
                "name", str, description="Panel id, legacy hash id, relevant disorder (e.g. R45) or part of the name."
            ),
            OpenApiParameter("retired", str, description="Any non-empty value also lists retired panels."),
        ],
        responses=paginated(PanelSerializer, "PaginatedPanelList"),
    )
    def get(self, request: Request, format: str | None = None) -> HttpResponse:
        return self.from_cache(request, lambda: self.build(request))

    def build(self, request: Request) -> Response:
        statuses: list[str] = list(VISIBLE_STATUSES)
        if request.query_params.get("retired"):
            statuses.append(PanelStatus.RETIRED)
        qs = panel_selectors.panel_list(
            statuses,
            type_slugs=params.comma_list(request, "type"),
            lookup=request.query_params.get("name", "").strip(),
        )
        return self.paginate(qs, PanelSerializer, {"panels": representation.PanelCache()})


class PanelDetail(ReadOnlyView):
    @extend_schema(
        operation_id="panels_retrieve",
        summary="A panel with its genes, STRs and regions",
        description=(
            "Look the panel up by id, legacy hash id, name or relevant disorder. Without `version` only "
            "public and promoted panels resolve; with `version` any panel does, and earlier versions are "
            "returned exactly as stored, plus `signed_off`."
        ),
        parameters=[
            VERSION,
            OpenApiParameter("exclude_entities", bool, description="True: leave out genes, strs and regions."),
        ],
        responses=PanelDetailSerializer,
    )
    def get(self, request: Request, panel: str, format: str | None = None) -> HttpResponse:
        version = params.version(request)
        include_entities = not params.flag(request, "exclude_entities")
        # With a version any panel the user may read resolves (as PanelApp), internal ones for curators only.
        snapshot = find_snapshot(panel, statuses=readable_statuses(request.user) if version else VISIBLE_STATUSES)
        if version is None or version == snapshot.version_tuple:
            return live_detail(request, snapshot, include_entities)
        historical = find_historical(snapshot, version)
        data = dict(historical.data)
        if not include_entities:
            for key in ("genes", "strs", "regions"):
                data.pop(key, None)
        data["signed_off"] = representation.format_date(historical.signed_off_date)
        return Response(data)


def live_detail(request: Request, snapshot: GenePanelSnapshot, include_entities: bool) -> HttpResponse:
    """The current version. JSON is served from a cached rendering (see panels.cache); other
    formats (the browsable API) are rendered from the data."""

    def data() -> dict[str, Any]:
        return representation.panel_detail_dict(snapshot, include_entities=include_entities)

    if getattr(request, "accepted_renderer", None) is not None and request.accepted_renderer.format == "json":
        # Cached as bytes: unpickling the data of a thousand genes would cost more than building it.
        # The full answer is stored when the panel changes (panels.answers): a worker that misses reads it.
        build = (
            (lambda: answers.detail_json(snapshot))
            if include_entities
            else (lambda: representation.panel_detail_json(snapshot, include_entities=False))
        )
        body = cache.get_or_build("api-panel-detail-json", snapshot, build, include_entities)
        return HttpResponse(body, content_type="application/json")
    return Response(data())


class PanelVersions(ReadOnlyView):
    @extend_schema(
        operation_id="panels_versions_list",
        summary="Versions of a panel",
        description="Kept for compatibility: lists the current version only (older ones are read with `?version=`).",
        parameters=[PAGE],
        responses=paginated(PanelSerializer, "PaginatedPanelVersionList"),
    )
    def get(self, request: Request, panel: str, format: str | None = None) -> Response:
        snapshot = find_snapshot(panel, statuses=VISIBLE_STATUSES)
        return self.paginate([snapshot], PanelSerializer)


class PanelActivities(ReadOnlyView):
    @extend_schema(
        operation_id="panels_activities_list",
        summary="Activity of one panel (not paginated)",
        responses=ActivitySerializer(many=True),
    )
    def get(self, request: Request, panel: str, format: str | None = None) -> Response:
        panel_id = parse_id(panel)
        if panel_id is None:
            raise NotFound("Give the numeric panel id.")
        activities = panel_activities(request.user, panel_id)
        return Response(ActivitySerializer(activities, many=True).data)
