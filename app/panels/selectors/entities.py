"""Reading entities: a panel's genes, STRs and regions, entity searches, the entity pages."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.db.models import CharField, Count, F, Q, QuerySet, Value

from ..models import ENTITY_MODELS, STR, Gene, GenePanel, GenePanelEntrySnapshot, GenePanelSnapshot, Region
from ..models.entities import Entity, EntityModel, EntityQuerySet
from ..models.panels import attach_panel_object_data
from ..vocab import VISIBLE_STATUSES, EntityType, gel_status_colour, gel_status_label
from .panels import snapshot_ids_for_entities

ENTITY_MODELS_IN_ORDER: tuple[EntityModel, ...] = (GenePanelEntrySnapshot, STR, Region)

#: The three lists of a panel's entities, in ``ENTITY_MODELS_IN_ORDER``.
PanelEntities = tuple[list[Any], list[Any], list[Any]]


def name_field(model: EntityModel) -> str:
    """The field holding an entity's name: a gene's symbol, an STR's or region's name."""
    return "gene_core_id" if model is GenePanelEntrySnapshot else "name"


def entity_queryset(model: EntityModel, with_panel: bool = False) -> EntityQuerySet:
    """Entities with their source names and tags (and, for search results, their panel) loaded
    in a fixed number of queries; see ``EntityQuerySet``."""
    qs = model.objects.with_sources_and_tags()
    return qs.with_panel() if with_panel else qs


def panel_entities(snapshot: GenePanelSnapshot) -> PanelEntities:
    """``(genes, strs, regions)`` of a panel, ready for ``representation.panel_detail_dict``."""
    ids = snapshot_ids_for_entities(snapshot)
    with_panel = snapshot.is_super_panel()
    genes, strs, regions = (
        list(entity_queryset(model, with_panel=with_panel).filter(panel_id__in=ids)) for model in ENTITY_MODELS_IN_ORDER
    )
    return genes, strs, regions


def panel_entities_of_many(
    snapshots: list[GenePanelSnapshot],
) -> Iterator[tuple[GenePanelSnapshot, PanelEntities]]:
    """``(snapshot, (genes, strs, regions))`` for each snapshot, in a fixed number of queries
    (super panels, rare, cost their own). Snapshots need ``panel`` and ``level4title`` loaded."""
    attach_panel_object_data(snapshots)
    ids = [s.pk for s in snapshots]
    supers = set(
        GenePanelSnapshot.child_panels.through.objects.filter(from_genepanelsnapshot_id__in=ids).values_list(
            "from_genepanelsnapshot_id", flat=True
        )
    )
    plain = [s.pk for s in snapshots if s.pk not in supers]
    grouped: dict[int, PanelEntities] = {pk: ([], [], []) for pk in plain}
    for index, model in enumerate(ENTITY_MODELS_IN_ORDER):
        for entity in entity_queryset(model).filter(panel_id__in=plain):
            grouped[entity.panel_id][index].append(entity)
    for snapshot in snapshots:
        snapshot._is_super_panel = snapshot.pk in supers
        yield snapshot, (panel_entities(snapshot) if snapshot.pk in supers else grouped[snapshot.pk])


#: The most tags one request may ask for. Each tag costs nothing extra in the query below, but an
#: unbounded list is unbounded work for the database and no real filter needs more.
MAX_TAGS = 50


def with_all_tags(qs: EntityQuerySet, tags: list[str]) -> EntityQuerySet:
    """Entities of ``qs`` that carry every one of ``tags``.

    One subquery whatever the number of tags: the entity-tag links whose tag is wanted, grouped by
    entity, kept when the entity has them all. (A join per tag grows the planner's and executor's
    work exponentially: a few dozen tags held a worker for seconds.) Duplicates count once.
    """
    wanted = list(dict.fromkeys(tags))
    if not wanted:
        return qs
    through = qs.model.tags.through
    column = f"{qs.model._meta.model_name}_id"
    complete = (
        through.objects.filter(tag__name__in=wanted)
        .values(column)
        .annotate(matched=Count("tag_id", distinct=True))
        .filter(matched=len(wanted))
        .values(column)
    )
    return qs.filter(pk__in=complete)


@dataclass
class EntityFilters:
    """The API's entity filters. ``names`` None: names were asked for and none can match.
    ``panel_types`` and ``panel_names`` narrow searches across panels (``search_entities``) only."""

    names: list[str] | None = field(default_factory=list)
    confidence_levels: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    panel_types: list[str] = field(default_factory=list)
    panel_names: list[str] = field(default_factory=list)


def _filtered(qs: EntityQuerySet, filters: EntityFilters) -> EntityQuerySet:
    if filters.names is None:
        qs = qs.none()
    elif filters.names:
        qs = qs.filter(**{f"{name_field(qs.model)}__in": filters.names})
    if filters.confidence_levels:
        # Anything above 3 is legacy green, so "3" asks for >= 3.
        condition = Q()
        for level in filters.confidence_levels:
            condition |= Q(saved_gel_status__gte=3) if level >= 3 else Q(saved_gel_status=level)
        qs = qs.filter(condition)
    return with_all_tags(qs, filters.tags)


def entities_of_panel(model: EntityModel, snapshot: GenePanelSnapshot, filters: EntityFilters) -> EntityQuerySet:
    """The entities of one kind a panel shows (a super panel: its children's), by name."""
    qs = entity_queryset(model, with_panel=True).filter(panel_id__in=snapshot_ids_for_entities(snapshot))
    return _filtered(qs, filters).order_by(name_field(model), "id")


def entity_of_panel_named(model: EntityModel, snapshot: GenePanelSnapshot, name: str) -> Entity | None:
    """The entity of this kind and name a panel shows (of its first child, for a super panel)."""
    return (
        model.objects.filter(panel_id__in=snapshot_ids_for_entities(snapshot), **{name_field(model): name})
        .order_by("panel_id")
        .first()
    )


def search_entities(model: EntityModel, filters: EntityFilters) -> EntityQuerySet:
    """Entities of public and promoted panels, ordered by panel id then name (stable paging)."""
    qs = entity_queryset(model, with_panel=True).filter(panel__panel__status__in=VISIBLE_STATUSES)
    qs = _filtered(qs, filters)
    if filters.panel_types:
        qs = qs.filter(panel__panel_id__in=GenePanel.objects.filter(types__slug__in=filters.panel_types).values("pk"))
    if filters.panel_names:
        qs = qs.filter(panel__panel__name__in=filters.panel_names)
    return qs.order_by("panel__panel_id", name_field(model), "id")


class MixedEntities(Sequence[Entity]):
    """Genes, STRs and regions as one sequence, paged in the database.

    A union of (panel id, name, type, id) rows is sorted and sliced; only the rows of the page are
    then loaded in full, a fixed number of queries per page whatever the sizes. ``querysets`` are
    keyed by the name of their type in the answer (genes, strs, regions).
    """

    def __init__(self, querysets: dict[str, EntityQuerySet]):
        self.querysets = querysets

    def __len__(self) -> int:
        return sum(qs.count() for qs in self.querysets.values())

    def _keys(self) -> QuerySet[Any, tuple[int, str, str, int]]:
        parts = []
        for key, qs in self.querysets.items():
            parts.append(
                qs.order_by()
                .annotate(
                    k_panel=F("panel__panel_id"),
                    k_name=F(name_field(qs.model)),
                    k_type=Value(key, output_field=CharField()),
                )
                .values_list("k_panel", "k_name", "k_type", "id")
            )
        first, *rest = parts
        return first.union(*rest, all=True).order_by("k_panel", "k_name", "k_type", "id")

    @overload
    def __getitem__(self, item: int) -> Entity: ...
    @overload
    def __getitem__(self, item: slice) -> list[Entity]: ...
    def __getitem__(self, item: int | slice) -> Entity | list[Entity]:
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        rows = list(self._keys()[item])
        wanted = {key: [row[3] for row in rows if row[2] == key] for key in self.querysets}
        loaded = {}
        for key, qs in self.querysets.items():
            if wanted[key]:
                loaded.update({(key, e.pk): e for e in qs.filter(pk__in=wanted[key])})
        return [loaded[(row[2], row[3])] for row in rows]


def genes_on_visible_panels(symbols: list[str] | None, panel_names: list[str] | None) -> EntityQuerySet:
    """The WebServices' gene search: genes with these symbols (None: every gene) on public and
    promoted panels (with these names, if given), by panel id then symbol."""
    qs = entity_queryset(GenePanelEntrySnapshot, with_panel=True).filter(panel__panel__status__in=VISIBLE_STATUSES)
    if symbols is not None:
        qs = qs.filter(gene_core_id__in=symbols)
    if panel_names:
        qs = qs.filter(panel__panel__name__in=panel_names)
    return qs.order_by("panel__panel_id", "gene_core_id")


def entity_on_page(snapshot: GenePanelSnapshot, entity_type: EntityType, name: str) -> Entity | None:
    """The entity an entity page's address names, with its panel."""
    model = ENTITY_MODELS[entity_type]
    return model.objects.select_related("panel").filter(panel=snapshot, **{name_field(model): name}).first()


@dataclass
class IndexRow:
    name: str
    type: str
    panels: int


def entity_index(statuses: Sequence[str], tag: str) -> list[IndexRow]:
    """Every gene, STR and region name on a panel with one of ``statuses`` (with ``tag``, if
    given), A-Z, with the number of panels holding it."""
    names: dict[tuple[str, str], int] = {}
    for model, kind in ((GenePanelEntrySnapshot, "gene"), (STR, "str"), (Region, "region")):
        qs = model.objects.filter(panel__panel__status__in=statuses)
        if tag:
            qs = qs.filter(tags__name=tag)
        for name, count in qs.values_list(name_field(model)).annotate(n=Count("id")).order_by():
            names[(name, kind)] = count
    return [IndexRow(name, kind, count) for (name, kind), count in sorted(names.items(), key=lambda i: i[0][0].upper())]


@dataclass
class AcrossPanels:
    """A name across panels: the gene of that symbol, each panel's entity, the super panels."""

    gene: Gene | None
    rows: list[dict[str, Any]]
    superpanels: QuerySet[GenePanelSnapshot]


def entity_across_panels(name: str, statuses: Sequence[str]) -> AcrossPanels:
    """Which panels with one of ``statuses`` hold a gene (or STR or region) of this name, with its
    rating, MOI, sources and tags; and the super panels that include them."""
    rows = []
    for model in ENTITY_MODELS_IN_ORDER:
        qs = (
            entity_queryset(model, with_panel=True)
            .filter(**{name_field(model): name}, panel__panel__status__in=statuses)
            .order_by("panel__level4title__name")
        )
        for entity in qs:
            rows.append(
                {
                    "entity": entity,
                    "type": str(entity.entity_type),
                    "snapshot": entity.panel,
                    "colour": gel_status_colour(entity.saved_gel_status, entity.flagged),
                    "label": gel_status_label(entity.saved_gel_status, entity.flagged),
                    "sources": entity.evidence_names,
                    "tags": entity.tag_names,
                }
            )
    holding = [row["snapshot"].pk for row in rows]
    supers = (
        GenePanelSnapshot.objects.filter(child_panels__in=holding, panel__status__in=statuses)
        .select_related("level4title")
        .distinct()
    )
    return AcrossPanels(gene=Gene.objects.filter(gene_symbol=name).first(), rows=rows, superpanels=supers)
