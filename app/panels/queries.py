"""Read-side query building shared by the API, the web pages and the exports.

Each helper returns querysets with everything the JSON builders in ``panels.representation``
touch already fetched, in a fixed number of queries.
"""

from __future__ import annotations

from django.db.models import Count, Q

from runtime.ids import is_ascii_number, parse_id

from .models import STR, GenePanelEntrySnapshot, GenePanelSnapshot, Region
from .models.panels import DISORDER_KEY_SEPARATOR

ENTITY_MODELS_IN_ORDER = (GenePanelEntrySnapshot, STR, Region)


def entity_queryset(model, with_panel: bool = False):
    """Entities with their source names and tags (and, for search results, their panel) loaded
    in a fixed number of queries; see ``EntityQuerySet``."""
    qs = model.objects.with_sources_and_tags()
    return qs.with_panel() if with_panel else qs


def snapshot_ids_for_entities(snapshot: GenePanelSnapshot) -> list[int]:
    """A super panel shows its children's entities; any other panel shows its own."""
    if snapshot.is_super_panel():
        return list(snapshot.child_panels.values_list("pk", flat=True))
    return [snapshot.pk]


def panel_entities(snapshot: GenePanelSnapshot):
    """``(genes, strs, regions)`` of a panel, ready for ``representation.panel_detail_dict``."""
    ids = snapshot_ids_for_entities(snapshot)
    with_panel = snapshot.is_super_panel()
    return tuple(
        list(entity_queryset(model, with_panel=with_panel).filter(panel_id__in=ids)) for model in ENTITY_MODELS_IN_ORDER
    )


#: The most tags one request may ask for. Each tag costs nothing extra in the query below, but an
#: unbounded list is unbounded work for the database and no real filter needs more.
MAX_TAGS = 50


def with_all_tags(qs, tags: list[str]):
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


def panel_entities_of_many(snapshots: list[GenePanelSnapshot]):
    """``(snapshot, (genes, strs, regions))`` for each snapshot, in a fixed number of queries
    (super panels, rare, cost their own). Snapshots need ``panel`` and ``level4title`` loaded."""
    from .models.panels import attach_panel_types

    attach_panel_types([s.panel for s in snapshots])
    ids = [s.pk for s in snapshots]
    supers = set(
        GenePanelSnapshot.child_panels.through.objects.filter(from_genepanelsnapshot_id__in=ids).values_list(
            "from_genepanelsnapshot_id", flat=True
        )
    )
    plain = [s.pk for s in snapshots if s.pk not in supers]
    grouped: dict[int, tuple[list, list, list]] = {pk: ([], [], []) for pk in plain}
    for index, model in enumerate(ENTITY_MODELS_IN_ORDER):
        for entity in entity_queryset(model).filter(panel_id__in=plain):
            grouped[entity.panel_id][index].append(entity)
    for snapshot in snapshots:
        snapshot._is_super_panel = snapshot.pk in supers
        yield snapshot, (panel_entities(snapshot) if snapshot.pk in supers else grouped[snapshot.pk])


def panel_lookup_q(term: str) -> Q:
    """PanelApp's panel lookup on a GenePanelSnapshot queryset.

    Digits match the panel id. Anything else matches the legacy 24-hex id, the exact name, an
    exact relevant disorder (e.g. an R-code such as ``R45``) or a case-insensitive part of the name.
    """
    term = term.strip()
    if is_ascii_number(term):
        # Beyond a 64-bit id nothing can match (and the database would refuse the number).
        number = parse_id(term)
        return Q(panel_id=number) if number is not None else Q(pk__in=[])
    return (
        Q(panel__old_pk=term)
        | Q(panel__name=term)
        | Q(relevant_disorders_key__contains=f"{DISORDER_KEY_SEPARATOR}{term}{DISORDER_KEY_SEPARATOR}")
        | Q(panel__name__icontains=term)
    )


def evaluations_of_user(user) -> list[dict]:
    """The reviews a user wrote, newest first, with where they are (profile page)."""
    rows = []
    for model in ENTITY_MODELS_IN_ORDER:
        name_field = "gene_core_id" if model is GenePanelEntrySnapshot else "name"
        through = model.evaluation.through
        entity = model._meta.model_name
        for link in through.objects.filter(evaluation__user=user).values(
            "evaluation__rating",
            "evaluation__version",
            "evaluation__modified",
            f"{entity}__{name_field}",
            f"{entity}__panel__panel_id",
            f"{entity}__panel__level4title__name",
        ):
            rows.append(
                {
                    "rating": link["evaluation__rating"],
                    "version": link["evaluation__version"],
                    "modified": link["evaluation__modified"],
                    "entity_type": str(model.entity_type),
                    "entity_name": link[f"{entity}__{name_field}"],
                    "panel_id": link[f"{entity}__panel__panel_id"],
                    "panel_name": link[f"{entity}__panel__level4title__name"],
                }
            )
    return sorted(rows, key=lambda r: r["modified"], reverse=True)
