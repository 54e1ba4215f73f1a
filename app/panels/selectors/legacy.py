"""Reads of the legacy ``/WebServices/`` API (v0): its own panel lookup, the super panels that
show a gene, and its entity list. Each is a fixed number of queries, whatever the page or panel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from runtime.ids import is_ascii_number, parse_id

from ..models import GenePanel, GenePanelSnapshot
from ..models.entities import EntityModel, EntityQuerySet
from ..models.panels import DISORDER_KEY_SEPARATOR
from ..vocab import VISIBLE_STATUSES
from .entities import ENTITY_MODELS_IN_ORDER, MixedEntities, entity_queryset, name_field

#: The answer's key of each kind of entity, in ``ENTITY_MODELS_IN_ORDER``.
KIND_KEYS = ("genes", "strs", "regions")


def find_snapshot_v0(term: str, statuses: Iterable[str], *, versioned: bool) -> GenePanelSnapshot | None:
    """The live snapshot ``get_panel/<term>/`` names, in PanelApp v0's order.

    Without a version: the exact panel name, then a case-insensitive part of a name, then (here
    also) an exact relevant disorder such as ``R45``, then the panel id (digits) or the legacy
    24-hex id; so ``get_panel/123/`` is the panel named ``123`` or with ``123`` in its name before
    panel 123. With a version PanelApp v0 goes to the id (digits) or legacy id first; a name is
    then looked up as without one. Several matches: the first in panel-list order.
    """
    term = term.strip()
    base = GenePanelSnapshot.objects.with_panel().filter(panel__status__in=list(statuses))
    by_id = _by_id(term)
    steps = [
        Q(panel__name=term),
        Q(panel__name__icontains=term),
        Q(relevant_disorders_key__contains=f"{DISORDER_KEY_SEPARATOR}{term}{DISORDER_KEY_SEPARATOR}"),
        by_id,
    ]
    if versioned:
        steps = [by_id, *steps[:-1]]
    for condition in steps:
        found = base.filter(condition).ordered_by_name().first()
        if found is not None:
            return found
    return None


def _by_id(term: str) -> Q:
    if is_ascii_number(term):
        number = parse_id(term)  # beyond a 64-bit id nothing can match
        return Q(panel_id=number) if number is not None else Q(pk__in=[])
    return Q(panel__old_pk=term)


def super_panels_of(child_snapshot_ids: Iterable[int], statuses: Sequence[str]) -> dict[int, list[GenePanelSnapshot]]:
    """For each child snapshot, the super panels (with one of ``statuses``) that include it, by
    panel id: one query."""
    ids = list(set(child_snapshot_ids))
    parents: dict[int, list[GenePanelSnapshot]] = {pk: [] for pk in ids}
    if not ids:
        return parents
    links = (
        GenePanelSnapshot.child_panels.through.objects.filter(
            to_genepanelsnapshot_id__in=ids, from_genepanelsnapshot__panel__status__in=list(statuses)
        )
        .select_related("from_genepanelsnapshot__panel", "from_genepanelsnapshot__level4title")
        .order_by("from_genepanelsnapshot__panel_id")
    )
    for link in links:
        parents[link.to_genepanelsnapshot_id].append(link.from_genepanelsnapshot)
    return parents


@dataclass
class LegacyEntityFilters:
    """``list_entities``' filters, already translated from v0's short codes to stored values."""

    names: list[str] = field(default_factory=list)
    mois: list[str] = field(default_factory=list)
    mops: list[str] = field(default_factory=list)
    penetrances: list[str] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)
    evidences: list[str] = field(default_factory=list)
    panel_names: list[str] = field(default_factory=list)


def _legacy_queryset(model: EntityModel, filters: LegacyEntityFilters) -> EntityQuerySet:
    qs = entity_queryset(model, with_panel=True).filter(panel__panel__status__in=VISIBLE_STATUSES)
    if filters.panel_names:
        qs = qs.filter(panel__panel__name__in=filters.panel_names)
    if filters.names:
        qs = qs.filter(**{f"{name_field(model)}__in": filters.names})
    if filters.mois:
        qs = qs.filter(moi__in=filters.mois)
    if filters.mops:
        qs = qs.filter(mode_of_pathogenicity__in=filters.mops)
    if filters.penetrances:
        qs = qs.filter(penetrance__in=filters.penetrances)
    if filters.levels:
        condition = Q()
        for level in filters.levels:
            condition |= Q(saved_gel_status__gte=3) if level >= 3 else Q(saved_gel_status=level)
        qs = qs.filter(condition)
    if filters.evidences:
        name = model._meta.model_name
        links = model.evidence.through._default_manager.filter(evidence__name__in=filters.evidences)
        qs = qs.filter(pk__in=links.values(f"{name}_id"))
    return qs


def legacy_entities(filters: LegacyEntityFilters) -> MixedEntities:
    """Genes, STRs and regions of public and promoted panels for ``list_entities``, paged in the
    database, by panel id, then name, then type."""
    return MixedEntities(
        {key: _legacy_queryset(model, filters) for key, model in zip(KIND_KEYS, ENTITY_MODELS_IN_ORDER, strict=True)}
    )


def panels_of_types(type_slugs: Sequence[str]) -> Q:
    """A GenePanelSnapshot condition: the panel has any of these types."""
    return Q(panel_id__in=GenePanel.objects.filter(types__slug__in=list(type_slugs)).values("pk"))
