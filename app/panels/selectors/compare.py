"""Reading two panels side by side: every entity of either, and one entity's reviews on both.

A fixed number of queries whatever the panels' sizes: per entity kind, the entities of both panels
(with sources and tags) and one count of reviews per entity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from ..models import ENTITY_MODELS, GenePanelSnapshot
from ..models.entities import EntityModel
from ..vocab import EntityType
from .entities import ENTITY_MODELS_IN_ORDER, entity_of_panel_named, entity_queryset, name_field
from .panels import snapshot_ids_for_entities
from .reviews import EntityPage, entity_page


@dataclass
class Side:
    """An entity as one of the two panels holds it, with its number of reviews."""

    entity: Any
    reviews: int


@dataclass
class ComparedEntity:
    entity_type: str
    name: str
    first: Side | None
    second: Side | None

    @property
    def on_both(self) -> bool:
        return self.first is not None and self.second is not None


def _review_counts(model: EntityModel, entity_ids: list[int]) -> dict[int, int]:
    if not entity_ids:
        return {}
    column = f"{model._meta.model_name}_id"
    return dict(
        model.evaluation.through.objects.filter(**{f"{column}__in": entity_ids})
        .values(column)
        .annotate(n=Count("evaluation_id"))
        .values_list(column, "n")
    )


def _sides(model: EntityModel, snapshot: GenePanelSnapshot) -> dict[str, Side]:
    """The panel's entities of one kind by name (a super panel: its children's, the first child's
    entity when two hold the same name)."""
    entities = list(
        entity_queryset(model)
        .select_related("panel")
        .filter(panel_id__in=snapshot_ids_for_entities(snapshot))
        .order_by(name_field(model), "panel_id")
    )
    counts = _review_counts(model, [e.pk for e in entities])
    sides: dict[str, Side] = {}
    for entity in entities:
        sides.setdefault(entity.name, Side(entity, counts.get(entity.pk, 0)))
    return sides


def compare_panels(first: GenePanelSnapshot, second: GenePanelSnapshot) -> list[ComparedEntity]:
    """Every gene, STR and region of either panel, genes first, each kind A-Z, with each panel's
    entity of that name (None when it has none)."""
    rows: list[ComparedEntity] = []
    for model in ENTITY_MODELS_IN_ORDER:
        left, right = _sides(model, first), _sides(model, second)
        for name in sorted(set(left) | set(right), key=lambda n: (n.upper(), n)):
            rows.append(ComparedEntity(str(model.entity_type), name, left.get(name), right.get(name)))
    return rows


@dataclass
class ComparedReviews:
    """One entity on each of two panels: the entity (None when absent) and what its page shows."""

    first: Any
    second: Any
    first_page: EntityPage | None
    second_page: EntityPage | None


def compare_entity(
    first: GenePanelSnapshot, second: GenePanelSnapshot, entity_type: EntityType, name: str
) -> ComparedReviews:
    model = ENTITY_MODELS[entity_type]
    left = entity_of_panel_named(model, first, name)
    right = entity_of_panel_named(model, second, name)
    return ComparedReviews(
        first=left,
        second=right,
        first_page=entity_page(left) if left is not None else None,
        second_page=entity_page(right) if right is not None else None,
    )


def panel_choices(statuses: Sequence[str]) -> list[tuple[int, str]]:
    """``(panel id, "name (version)")`` of every panel with one of ``statuses``, by name: the
    choices of the compare form."""
    rows = (
        GenePanelSnapshot.objects.filter(panel__status__in=list(statuses))
        .order_by("level4title__name", "panel_id")
        .values_list("panel_id", "level4title__name", "major_version", "minor_version")
    )
    return [(pk, f"{name} (v{major}.{minor})") for pk, name, major, minor in rows]


def panels_to_add_to(statuses: Sequence[str], exclude_panel_id: int) -> list[tuple[int, str]]:
    """The add-gene form's other panels: those with one of ``statuses`` that hold entities of
    their own (no super panels), but the form's own, by name."""
    supers = GenePanelSnapshot.child_panels.through.objects.values("from_genepanelsnapshot_id")
    rows = (
        GenePanelSnapshot.objects.filter(panel__status__in=list(statuses))
        .exclude(panel_id=exclude_panel_id)
        .exclude(pk__in=supers)
        .order_by("level4title__name", "panel_id")
        .values_list("panel_id", "level4title__name", "major_version", "minor_version")
    )
    return [(pk, f"{name} (v{major}.{minor})") for pk, name, major, minor in rows]


def snapshots_of_panels(panel_ids: Sequence[int], statuses: Sequence[str]) -> list[GenePanelSnapshot]:
    """The live snapshots of these panels (with one of ``statuses``), with panel and title, in
    the order given."""
    found = {
        s.panel_id: s
        for s in GenePanelSnapshot.objects.select_related("panel", "level4title").filter(
            panel_id__in=list(panel_ids), panel__status__in=list(statuses)
        )
    }
    return [found[pk] for pk in panel_ids if pk in found]
