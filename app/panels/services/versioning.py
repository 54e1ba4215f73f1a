"""Panel versions (reference §2.5).

* A new panel is 0.0; a new super panel starts at (highest child major).0.
* Each change a curator makes bumps the minor version once; an upload bumps each panel it touches
  once, however many rows it has.
* Only promotion bumps the major version (and resets the minor to 0).
* Before the number changes, the panel as it was is frozen into a ``HistoricalSnapshot`` carrying
  the old number, so every earlier version can still be read from the API.
* Super panels show their children's entities, so they are bumped with their children.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from ..models import GenePanelSnapshot, HistoricalSnapshot
from ..representation import panel_detail_dict
from ..selectors.entities import panel_entities_of_many
from .stats import recalculate_stats

SCHEMA_VERSION = "1"


def lock_snapshot(snapshot: GenePanelSnapshot) -> GenePanelSnapshot:
    """Serialize concurrent edits of one panel and pick up a version bumped meanwhile."""
    current = (
        GenePanelSnapshot.objects.select_for_update()
        .only("major_version", "minor_version", "version_comment")
        .get(pk=snapshot.pk)
    )
    snapshot.major_version = current.major_version
    snapshot.minor_version = current.minor_version
    snapshot.version_comment = current.version_comment
    return snapshot


def freeze(snapshot: GenePanelSnapshot, reason: str = "") -> HistoricalSnapshot:
    """Store the panel as it is now, under its current version number."""
    return HistoricalSnapshot.objects.create(
        panel_id=snapshot.panel_id,
        major_version=snapshot.major_version,
        minor_version=snapshot.minor_version,
        reason=reason or "",
        schema_version=SCHEMA_VERSION,
        data=panel_detail_dict(snapshot),
    )


def increment_version(
    snapshot: GenePanelSnapshot, *, comment: str = "", major: bool = False, include_superpanels: bool = True
) -> GenePanelSnapshot:
    """Freeze the current state, then move the live panel to the next version.

    Call it *before* applying a change, so the frozen copy holds the state the old number
    described. Must run inside a transaction (``panel_change`` provides one).
    """
    if include_superpanels:
        for parent in snapshot.parent_panels.select_related("panel", "level4title"):
            increment_version(lock_snapshot(parent), comment=comment, major=major, include_superpanels=False)
    freeze(snapshot, comment)
    snapshot.major_version, snapshot.minor_version = (
        snapshot.version_tuple.next_major() if major else snapshot.version_tuple.next_minor()
    )
    now = timezone.now()
    snapshot.created = now
    GenePanelSnapshot.objects.filter(pk=snapshot.pk).update(
        major_version=snapshot.major_version, minor_version=snapshot.minor_version, created=now, modified=now
    )
    return snapshot


def bump_panels(
    snapshots: Iterable[GenePanelSnapshot], *, comment: str = "", include_superpanels: bool = True
) -> list[GenePanelSnapshot]:
    """``increment_version`` for many panels at once (file imports): each panel, and each super panel
    that includes one, is locked, frozen and bumped exactly once, in a fixed number of queries.

    ``snapshots`` need ``panel`` and ``level4title`` loaded; returns them with the super panels bumped.
    """
    targets = {s.pk: s for s in snapshots}
    parents: list[GenePanelSnapshot] = []
    if include_superpanels and targets:
        parent_ids = set(
            GenePanelSnapshot.child_panels.through.objects.filter(
                to_genepanelsnapshot_id__in=list(targets)
            ).values_list("from_genepanelsnapshot_id", flat=True)
        ) - set(targets)
        parents = list(GenePanelSnapshot.objects.select_related("panel", "level4title").filter(pk__in=parent_ids))
    everything = [*targets.values(), *parents]
    current = {
        c.pk: c
        for c in GenePanelSnapshot.objects.select_for_update()
        .filter(pk__in=[s.pk for s in everything])
        .order_by("pk")
        .only("major_version", "minor_version", "version_comment")
    }
    for snapshot in everything:
        snapshot.major_version = current[snapshot.pk].major_version
        snapshot.minor_version = current[snapshot.pk].minor_version
        snapshot.version_comment = current[snapshot.pk].version_comment
    freeze_many(everything, comment)
    now = timezone.now()
    for snapshot in everything:
        snapshot.major_version, snapshot.minor_version = snapshot.version_tuple.next_minor()
        snapshot.created = snapshot.modified = now
    GenePanelSnapshot.objects.bulk_update(
        everything, ["major_version", "minor_version", "created", "modified"], batch_size=500
    )
    return everything


def freeze_many(snapshots: Iterable[GenePanelSnapshot], reason: str = "", chunk: int = 40) -> None:
    """``freeze`` for many panels: their entities are read a chunk of panels at a time."""
    snapshots = list(snapshots)
    for start in range(0, len(snapshots), chunk):
        part = snapshots[start : start + chunk]
        HistoricalSnapshot.objects.bulk_create(
            [
                HistoricalSnapshot(
                    panel_id=snapshot.panel_id,
                    major_version=snapshot.major_version,
                    minor_version=snapshot.minor_version,
                    reason=reason or "",
                    schema_version=SCHEMA_VERSION,
                    data=panel_detail_dict(snapshot, entities),
                )
                for snapshot, entities in panel_entities_of_many(part)
            ]
        )


@contextmanager
def panel_change(snapshot: GenePanelSnapshot, *, bump: bool = True, comment: str = "") -> Iterator[GenePanelSnapshot]:
    """The frame for every change to a panel: one transaction, at most one bump, fresh stats.

    ``bump=False`` is for the changes PanelApp makes without a new version (reviews, tags,
    ready marks, approving a flagged entity, entities suggested by reviewers).
    """
    with transaction.atomic():
        lock_snapshot(snapshot)
        if bump:
            increment_version(snapshot, comment=comment)
        yield snapshot
        recalculate_stats(snapshot)
