"""The counters stored in ``GenePanelSnapshot.stats`` (reference §2.2)."""
from __future__ import annotations

from django.db.models import Count, Q

from ..models import STR, GenePanelEntrySnapshot, GenePanelSnapshot, Region

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
    keyed on (panels.cache), and super panels show their children's entities.
    """
    from django.utils import timezone

    from ..queries import snapshot_ids_for_entities

    now = timezone.now()
    snapshot.stats = compute_stats(snapshot_ids_for_entities(snapshot))
    snapshot.modified = now
    GenePanelSnapshot.objects.filter(pk=snapshot.pk).update(stats=snapshot.stats, modified=now)
    for parent in snapshot.parent_panels.all():
        parent.stats = compute_stats(snapshot_ids_for_entities(parent))
        GenePanelSnapshot.objects.filter(pk=parent.pk).update(stats=parent.stats, modified=now)
