"""Entities: of one panel (``/panels/{id}/genes/``...), their reviews, and searched across panels."""

from __future__ import annotations

from django.db.models import CharField, F, Q, Value
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from panels import representation
from panels.models import STR, GenePanel, GenePanelEntrySnapshot, Region
from panels.queries import entity_queryset, snapshot_ids_for_entities, with_all_tags
from panels.vocab import VISIBLE_STATUSES

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

    def __init__(self, model, key: str, serializer):
        self.model, self.key, self.serializer = model, key, serializer
        self.name_field = "gene_core_id" if model is GenePanelEntrySnapshot else "name"


GENES = Kind(GenePanelEntrySnapshot, "genes", GeneEntitySerializer)
STRS = Kind(STR, "strs", STREntitySerializer)
REGIONS = Kind(Region, "regions", RegionEntitySerializer)
KINDS = (GENES, STRS, REGIONS)


def filter_live(qs, kind: Kind, request, names: list[str]):
    if names:
        qs = qs.filter(**{f"{kind.name_field}__in": names})
    levels = params.confidence_levels(request)
    if levels:
        # Anything above 3 is legacy green, so "3" asks for >= 3.
        condition = Q()
        for level in levels:
            condition |= Q(saved_gel_status__gte=3) if level >= 3 else Q(saved_gel_status=level)
        qs = qs.filter(condition)
    return with_all_tags(qs, params.tags(request))


def filter_historical(items: list[dict], request) -> list[dict]:
    names = set(params.comma_list(request, "entity_name"))
    levels = {str(level) for level in params.confidence_levels(request)}
    tags = set(params.tags(request))
    return [
        item
        for item in items
        if (not names or item.get("entity_name") in names)
        and (not levels or item.get("confidence_level") in levels)
        and tags <= set(item.get("tags") or [])
    ]


def _panel_entities_view(kind: Kind):
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
        def get(self, request, panel, format=None):
            return self.from_cache(request, lambda: self.build(request, panel))

        def build(self, request, panel):
            version = params.version(request)
            snapshot = find_readable_snapshot(request, panel)
            if version is not None and version != snapshot.version_tuple:
                historical = find_historical(snapshot, version)
                items = filter_historical(list(historical.data.get(kind.key) or []), request)
                return self.paginate(items, kind.serializer)
            qs = entity_queryset(kind.model, with_panel=True).filter(panel_id__in=snapshot_ids_for_entities(snapshot))
            qs = filter_live(qs, kind, request, params.comma_list(request, "entity_name"))
            qs = qs.order_by(kind.name_field, "id")
            return self.paginate(qs, kind.serializer, {"panels": representation.PanelCache(), "with_panel": True})

    PanelEntities.__name__ = f"Panel{kind.key.title()}"
    return PanelEntities


def _evaluations_view(kind: Kind):
    class EntityEvaluations(ReadOnlyView):
        @extend_schema(
            operation_id=f"panels_{kind.key}_evaluations_list",
            summary=f"Reviews of one of a panel's {kind.key}",
            description="Reviews exist for the current version only: an earlier `version` is a 400.",
            parameters=[PAGE, VERSION],
            responses=paginated(EvaluationSerializer, f"Paginated{kind.key.title()}EvaluationList"),
        )
        def get(self, request, panel, name, format=None):
            snapshot = find_readable_snapshot(request, panel)
            try:
                version = params.version(request)
            except params.IncorrectVersion:
                version = False
            if version is False or (version is not None and version != snapshot.version_tuple):
                return Response({"error": "Endpoint doesnt support version parameter"}, status=400)
            entity = (
                kind.model.objects.filter(panel_id__in=snapshot_ids_for_entities(snapshot), **{kind.name_field: name})
                .order_by("panel_id")
                .first()
            )
            if entity is None:
                raise NotFound(f"{name} is not on this panel.")
            return self.paginate(entity.evaluation.order_by("-created", "-id"), EvaluationSerializer)

    EntityEvaluations.__name__ = f"{kind.key.title()}Evaluations"
    return EntityEvaluations


def search_queryset(kind: Kind, request, names: list[str] | None):
    """Entities of public and promoted panels, ordered by panel id then name (stable paging).

    ``names`` None: the path and ``entity_name`` share no name, so nothing matches."""
    qs = entity_queryset(kind.model, with_panel=True).filter(panel__panel__status__in=VISIBLE_STATUSES)
    if names is None:
        qs = qs.none()
    qs = filter_live(qs, kind, request, names)
    slugs = params.comma_list(request, "type")
    if slugs:
        qs = qs.filter(panel__panel_id__in=GenePanel.objects.filter(types__slug__in=slugs).values("pk"))
    panel_names = params.comma_list(request, "panel_name")
    if panel_names:
        qs = qs.filter(panel__panel__name__in=panel_names)
    return qs.order_by("panel__panel_id", kind.name_field, "id")


def _names(request, names: str | None) -> list[str] | None:
    """The names asked for, by path and ``entity_name`` together; None when they share none.
    (Not a placeholder name that cannot match: a NUL one was a 500 on PostgreSQL.)"""
    from_path = [n.strip() for n in (names or "").split(",") if n.strip()]
    from_query = params.comma_list(request, "entity_name")
    if from_path and from_query:
        return [n for n in from_path if n in from_query] or None
    return from_path or from_query


def _search_views(kind: Kind):
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
        def get(self, request, names=None, format=None):
            return self.from_cache(request, lambda: self.build(request, names))

        def build(self, request, names):
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
        def get(self, request, names=None, format=None):
            return super().get(request, names, format)

    EntitySearch.__name__ = f"{kind.key.title()}Search"
    EntitySearchByName.__name__ = f"{kind.key.title()}SearchByName"
    return EntitySearch, EntitySearchByName


class MixedEntities:
    """Genes, STRs and regions as one sequence, paged in the database.

    A union of (panel id, name, type, id) rows is sorted and sliced; only the rows of the page are
    then loaded in full, a fixed number of queries per page whatever the sizes.
    """

    def __init__(self, querysets: dict[str, object]):
        self.querysets = querysets

    def count(self) -> int:
        return sum(qs.count() for qs in self.querysets.values())

    def __len__(self) -> int:
        return self.count()

    def _keys(self):
        parts = []
        for kind, qs in self.querysets.items():
            name = F("gene_core_id") if kind is GENES else F("name")
            parts.append(
                qs.order_by()
                .annotate(k_panel=F("panel__panel_id"), k_name=name, k_type=Value(kind.key, output_field=CharField()))
                .values_list("k_panel", "k_name", "k_type", "id")
            )
        first, *rest = parts
        return first.union(*rest, all=True).order_by("k_panel", "k_name", "k_type", "id")

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("MixedEntities supports slices only")
        rows = list(self._keys()[item])
        wanted = {kind.key: [row[3] for row in rows if row[2] == kind.key] for kind in self.querysets}
        loaded = {}
        for kind, qs in self.querysets.items():
            if wanted[kind.key]:
                loaded.update({(kind.key, e.pk): e for e in qs.filter(pk__in=wanted[kind.key])})
        return [loaded[(row[2], row[3])] for row in rows]


class EntityList(ReadOnlyView):
    @extend_schema(
        operation_id="entities_list",
        summary="Search genes, STRs and regions across panels",
        description="Mixed entity types, each in its own type's shape, ordered by panel id, name and type.",
        parameters=[PAGE, ENTITY_NAME, PANEL_TYPES, TAGS, PANEL_NAME, CONFIDENCE],
        responses=paginated(entity_schema, "PaginatedEntityList"),
    )
    def get(self, request, names=None, format=None):
        return self.from_cache(request, lambda: self.build(request, names))

    def build(self, request, names):
        wanted = _names(request, names)
        sequence = MixedEntities({kind: search_queryset(kind, request, wanted) for kind in KINDS})
        return self.paginate(sequence, EntitySerializer, {"panels": representation.PanelCache(), "with_panel": True})


class EntityListByName(EntityList):
    @extend_schema(
        operation_id="entities_by_name_list",
        summary="Genes, STRs and regions with these names, across panels",
        parameters=[PAGE, PANEL_TYPES, TAGS, PANEL_NAME, CONFIDENCE],
        responses=paginated(entity_schema, "PaginatedEntityList"),
    )
    def get(self, request, names=None, format=None):
        return super().get(request, names, format)


PanelGenes, PanelSTRs, PanelRegions = (_panel_entities_view(k) for k in KINDS)
GeneEvaluations, STREvaluations, RegionEvaluations = (_evaluations_view(k) for k in KINDS)
(GeneSearch, GeneSearchByName), (STRSearch, STRSearchByName), (RegionSearch, RegionSearchByName) = (
    _search_views(k) for k in KINDS
)
