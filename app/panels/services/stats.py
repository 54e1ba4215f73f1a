"""The counters stored in ``GenePanelSnapshot.stats`` (reference §2.2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone

from ..answers import refresh_on_commit
from ..models import STR, GenePanelEntrySnapshot, GenePanelSnapshot, Region
from ..selectors.panels import snapshot_ids_for_entities

_KINDS = (("genes", "gene", GenePanelEntrySnapshot), ("strs", "str", STR), ("regions", "region", Region))


def compute_stats(snapshot_ids: list[int]) -> dict:
    stats: dict = {}
    all_reviewers: set[int] = set()
    for plural, singular, model in _KINDS:
        entities = model.objects.filter(panel_id__in=snapshot_ids)
        counts = entities.aggregate(
            total=Count("id"),
            ready=Count("id", filter=Q(ready=True)),
            green=Count("id", filter=Q(saved_gel_status__gte=3)),
        )
        through = model.evaluation.through
        entity_column = f"{model._meta.model_name}_id"
        links = through.objects.filter(**{f"{model._meta.model_name}__panel_id__in": snapshot_ids})
        evaluated = links.values(entity_column).distinct().count()
        reviewers = set(links.values_list("evaluation__user_id", flat=True).distinct())
        all_reviewers |= reviewers
        stats[f"{singular}_reviewers"] = sorted(reviewers)
        stats[f"number_of_{plural}"] = counts["total"]
        stats[f"number_of_evaluated_{plural}"] = evaluated
        stats[f"number_of_ready_{plural}"] = counts["ready"]
        stats[f"number_of_green_{plural}"] = counts["green"]
    stats["entity_reviewers"] = sorted(all_reviewers)
    stats["number_of_reviewers"] = len(all_reviewers)
    for prefix in ("", "evaluated_", "ready_", "green_"):
        stats[f"number_of_{prefix}entities"] = sum(stats[f"number_of_{prefix}{p}"] for p, _, _ in _KINDS)
    return stats


def recalculate_stats(snapshot: GenePanelSnapshot) -> None:
    """Refresh a panel's counters, then those of the super panels that include it.

    Also stamps ``modified`` on each: it is the revision that cached renderings of the panel are
    keyed on (panels.cache), and super panels show their children's entities; their stored answers
    are rebuilt once the change commits (panels.answers).
    """
    now = timezone.now()
    snapshot.stats = compute_stats(snapshot_ids_for_entities(snapshot))
    snapshot.modified = now
    GenePanelSnapshot.objects.filter(pk=snapshot.pk).update(stats=snapshot.stats, modified=now)
    changed = [snapshot.pk]
    for parent in snapshot.parent_panels.all():
        parent.stats = compute_stats(snapshot_ids_for_entities(parent))
        GenePanelSnapshot.objects.filter(pk=parent.pk).update(stats=parent.stats, modified=now)
        changed.append(parent.pk)
    refresh_on_commit(changed)


def compute_stats_of_panels(snapshot_ids: list[int]) -> dict[int, dict]:
    """``compute_stats([id])`` for each of many panels that are not super panels, in six queries."""
    stats: dict[int, dict] = {pk: {} for pk in snapshot_ids}
    reviewers_of: dict[int, set[int]] = defaultdict(set)
    for plural, singular, model in _KINDS:
        counts = {
            row["panel_id"]: row
            for row in model.objects.filter(panel_id__in=snapshot_ids)
            .values("panel_id")
            .annotate(
                total=Count("id"),
                ready=Count("id", filter=Q(ready=True)),
                green=Count("id", filter=Q(saved_gel_status__gte=3)),
            )
        }
        name = model._meta.model_name
        evaluated: dict[int, set[int]] = defaultdict(set)
        reviewers: dict[int, set[int]] = defaultdict(set)
        for panel_id, entity_id, user_id in model.evaluation.through.objects.filter(
            **{f"{name}__panel_id__in": snapshot_ids}
        ).values_list(f"{name}__panel_id", f"{name}_id", "evaluation__user_id"):
            evaluated[panel_id].add(entity_id)
            reviewers[panel_id].add(user_id)
        for pk in snapshot_ids:
            row = counts.get(pk, {"total": 0, "ready": 0, "green": 0})
            stats[pk][f"{singular}_reviewers"] = sorted(reviewers[pk])
            stats[pk][f"number_of_{plural}"] = row["total"]
            stats[pk][f"number_of_evaluated_{plural}"] = len(evaluated[pk])
            stats[pk][f"number_of_ready_{plural}"] = row["ready"]
            stats[pk][f"number_of_green_{plural}"] = row["green"]
            reviewers_of[pk] |= reviewers[pk]
    for pk, values in stats.items():
        values["entity_reviewers"] = sorted(reviewers_of[pk])
        values["number_of_reviewers"] = len(reviewers_of[pk])
        for prefix in ("", "evaluated_", "ready_", "green_"):
            values[f"number_of_{prefix}entities"] = sum(values[f"number_of_{prefix}{p}"] for p, _, _ in _KINDS)
    return stats


def recalculate_stats_of_panels(snapshots: Iterable[GenePanelSnapshot]) -> None:
    """``recalculate_stats`` for many panels that are not super panels (file imports), then once for
    each super panel that includes any of them."""
    snapshots = list(snapshots)
    now = timezone.now()
    fresh = compute_stats_of_panels([s.pk for s in snapshots])
    for snapshot in snapshots:
        snapshot.stats, snapshot.modified = fresh[snapshot.pk], now
    GenePanelSnapshot.objects.bulk_update(snapshots, ["stats", "modified"], batch_size=500)
    parent_ids = set(
        GenePanelSnapshot.child_panels.through.objects.filter(
            to_genepanelsnapshot_id__in=[s.pk for s in snapshots]
        ).values_list("from_genepanelsnapshot_id", flat=True)
    )
    for parent in GenePanelSnapshot.objects.filter(pk__in=parent_ids):
        GenePanelSnapshot.objects.filter(pk=parent.pk).update(
            stats=compute_stats(snapshot_ids_for_entities(parent)), modified=now
        )
    refresh_on_commit([s.pk for s in snapshots] + list(parent_ids))
