"""Entities: of one panel (``/panels/{id}/genes/``...), their reviews, and searched across panels."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from panels import representation
from panels.models import STR, GenePanelEntrySnapshot, Region
from panels.models.entities import EntityModel, EntityQuerySet
from panels.selectors import entities as entity_selectors
from panels.selectors.entities import EntityFilters
from panels.selectors.hgnc import is_hgnc_id, resolve_gene_names
from panels.selectors.reviews import entity_reviews

from .. import params
from ..serializers import (
    EntitySerializer,
    EvaluationSerializer,
    GeneEntitySerializer,
    RegionEntitySerializer,
    STREntitySerializer,
    entity_schema,
)
from .base import (
    CONFIDENCE,
    ENTITY_NAME,
    INCLUDE_COMMENTS,
    PAGE,
    PANEL_NAME,
    PANEL_TYPES,
    TAGS,
    VERSION,
    ReadOnlyView,
    find_historical,
    find_readable_snapshot,
    paginated,
)


class Kind:
    """One entity type as the API names it: its model, JSON key and serializer."""

    def __init__(self, model: EntityModel, key: str, serializer: type[BaseSerializer[Any]]):
        self.model, self.key, self.serializer = model, key, serializer


GENES = Kind(GenePanelEntrySnapshot, "genes", GeneEntitySerializer)
STRS = Kind(STR, "strs", STREntitySerializer)
REGIONS = Kind(Region, "regions", RegionEntitySerializer)
KINDS = (GENES, STRS, REGIONS)


def query_names(request: Request) -> list[str]:
    """``entity_name``, a gene's HGNC id (``HGNC:1100``) standing for its symbol."""
    return resolve_gene_names(params.comma_list(request, "entity_name"))


def live_filters(request: Request, names: list[str] | None) -> EntityFilters:
    """The entity filters of a panel's list or a search, from the query parameters (in this order:
    a bad ``confidence_level`` is reported before bad ``tags``)."""
    return EntityFilters(
        names=names,
        confidence_levels=params.confidence_levels(request),
        tags=params.tags(request),
        panel_types=params.comma_list(request, "type"),
        panel_names=params.comma_list(request, "panel_name"),
    )


def filter_historical(items: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
    names = set(query_names(request))
    levels = {str(level) for level in params.confidence_levels(request)}
    tags = set(params.tags(request))
    return [
        item
        for item in items
        if (not names or item.get("entity_name") in names)
        and (not levels or item.get("confidence_level") in levels)
        and tags <= set(item.get("tags") or [])
    ]


def _panel_entities_view(kind: Kind) -> type[ReadOnlyView]:
    class PanelEntities(ReadOnlyView):
        @extend_schema(
            operation_id=f"panels_{kind.key}_list",
            summary=f"The {kind.key} of a panel",
            description=(
                f"The panel's {kind.key} by name, each with its `panel`. Public, promoted and retired panels resolve here; internal ones for curators only. "
                "With an earlier `version` the items come from the stored snapshot (without `panel`)."
            ),
            parameters=[PAGE, ENTITY_NAME, CONFIDENCE, TAGS, VERSION],
            responses=paginated(kind.serializer, f"PaginatedPanel{kind.key.title()}List"),
        )
        def get(self, request: Request, panel: str, format: str | None = None) -> HttpResponse:
            return self.from_cache(request, lambda: self.build(request, panel))

        def build(self, request: Request, panel: str) -> Response:
            version = params.version(request)
            snapshot = find_readable_snapshot(request, panel)
            if version is not None and version != snapshot.version_tuple:
                historical = find_historical(snapshot, version)
                items = filter_historical(list(historical.data.get(kind.key) or []), request)
                return self.paginate(items, kind.serializer)
            filters = live_filters(request, query_names(request))
            qs = entity_selectors.entities_of_panel(kind.model, snapshot, filters)
            return self.paginate(qs, kind.serializer, {"panels": representation.PanelCache(), "with_panel": True})

    PanelEntities.__name__ = f"Panel{kind.key.title()}"
    return PanelEntities


def _evaluations_view(kind: Kind) -> type[ReadOnlyView]:
    class EntityEvaluations(ReadOnlyView):
        @extend_schema(
            operation_id=f"panels_{kind.key}_evaluations_list",
            summary=f"Reviews of one of a panel's {kind.key}",
            description=(
                "Reviews exist for the current version only: an earlier `version` is a 400. "
                "`include_comments=true` adds each review's `comments` (comment, user_name, created; newest first)."
            ),
            parameters=[PAGE, VERSION, INCLUDE_COMMENTS],
            responses=paginated(EvaluationSerializer, f"Paginated{kind.key.title()}EvaluationList"),
        )
        def get(self, request: Request, panel: str, name: str, format: str | None = None) -> Response:
            snapshot = find_readable_snapshot(request, panel)
            try:
                version = params.version(request)
            except params.IncorrectVersion:
                return Response(NO_VERSIONS, status=400)
            if version is not None and version != snapshot.version_tuple:
                return Response(NO_VERSIONS, status=400)
            if kind is GENES and is_hgnc_id(name):
                name = resolve_gene_names([name])[0]
            entity = entity_selectors.entity_of_panel_named(kind.model, snapshot, name)
            if entity is None:
                raise NotFound(f"{name} is not on this panel.")
            with_comments = params.flag(request, "include_comments")
            return self.paginate(
                entity_reviews(entity, with_comments=with_comments),
                EvaluationSerializer,
                {"include_comments": with_comments},
            )

    EntityEvaluations.__name__ = f"{kind.key.title()}Evaluations"
    return EntityEvaluations


#: The answer to a ``version`` on a review list: reviews exist for the current version only.
NO_VERSIONS = {"error": "Endpoint doesnt support version parameter"}


def search_queryset(kind: Kind, request: Request, names: list[str] | None) -> EntityQuerySet:
    """Entities of public and promoted panels, ordered by panel id then name (stable paging).

    ``names`` None: the path and ``entity_name`` share no name, so nothing matches."""
    return entity_selectors.search_entities(kind.model, live_filters(request, names))


def _names(request: Request, names: str | None) -> list[str] | None:
    """The names asked for, by path and ``entity_name`` together; None when they share none.
    (Not a placeholder name that cannot match: a NUL one was a 500 on PostgreSQL.)"""
    from_path = resolve_gene_names(n.strip() for n in (names or "").split(",") if n.strip())
    from_query = query_names(request)
    if from_path and from_query:
        return [n for n in from_path if n in from_query] or None
    return from_path or from_query


def _search_views(kind: Kind) -> tuple[type[ReadOnlyView], type[ReadOnlyView]]:
    """Two views with one behaviour: ``/genes/`` and ``/genes/{names}/`` (the same list format)."""

    class EntitySearch(ReadOnlyView):
        @extend_schema(
            operation_id=f"{kind.key}_list",
            summary=f"Search {kind.key} across panels",
            description=(
                f"{kind.key.title()} on public and promoted panels, each with its `panel`, ordered by panel id "
                "then name."
            ),
            parameters=[PAGE, ENTITY_NAME, PANEL_TYPES, TAGS, PANEL_NAME, CONFIDENCE],
            responses=paginated(kind.serializer, f"Paginated{kind.key.title()}SearchList"),
        )
        def get(self, request: Request, names: str | None = None, format: str | None = None) -> HttpResponse:
            return self.from_cache(request, lambda: self.build(request, names))

        def build(self, request: Request, names: str | None) -> Response:
            qs = search_queryset(kind, request, _names(request, names))
            return self.paginate(qs, kind.serializer, {"panels": representation.PanelCache(), "with_panel": True})

    class EntitySearchByName(EntitySearch):
        @extend_schema(
            operation_id=f"{kind.key}_by_name_list",
            summary=f"{kind.key.title()} with these names, across panels",
            description="Comma-separated names in the path. The answer is the paginated list, not a single object.",
            parameters=[PAGE, PANEL_TYPES, TAGS, PANEL_NAME, CONFIDENCE],
            responses=paginated(kind.serializer, f"Paginated{kind.key.title()}SearchList"),
        )
        def get(self, request: Request, names: str | None = None, format: str | None = None) -> HttpResponse:
            return super().get(request, names, format)

    EntitySearch.__name__ = f"{kind.key.title()}Search"
    EntitySearchByName.__name__ = f"{kind.key.title()}SearchByName"
    return EntitySearch, EntitySearchByName


class EntityList(ReadOnlyView):
    @extend_schema(
        operation_id="entities_list",
        summary="Search genes, STRs and regions across panels",
        description="Mixed entity types, each in its own type's shape, ordered by panel id, name and type.",
        parameters=[PAGE, ENTITY_NAME, PANEL_TYPES, TAGS, PANEL_NAME, CONFIDENCE],
        responses=paginated(entity_schema, "PaginatedEntityList"),
    )
    def get(self, request: Request, names: str | None = None, format: str | None = None) -> HttpResponse:
        return self.from_cache(request, lambda: self.build(request, names))

    def build(self, request: Request, names: str | None) -> Response:
        wanted = _names(request, names)
        sequence = entity_selectors.MixedEntities({kind.key: search_queryset(kind, request, wanted) for kind in KINDS})
        return self.paginate(sequence, EntitySerializer, {"panels": representation.PanelCache(), "with_panel": True})


class EntityListByName(EntityList):
    @extend_schema(
        operation_id="entities_by_name_list",
        summary="Genes, STRs and regions with these names, across panels",
        parameters=[PAGE, PANEL_TYPES, TAGS, PANEL_NAME, CONFIDENCE],
        responses=paginated(entity_schema, "PaginatedEntityList"),
    )
    def get(self, request: Request, names: str | None = None, format: str | None = None) -> HttpResponse:
        return super().get(request, names, format)


PanelGenes, PanelSTRs, PanelRegions = (_panel_entities_view(k) for k in KINDS)
GeneEvaluations, STREvaluations, RegionEvaluations = (_evaluations_view(k) for k in KINDS)
(GeneSearch, GeneSearchByName), (STRSearch, STRSearchByName), (RegionSearch, RegionSearchByName) = (
    _search_views(k) for k in KINDS
)
