"""A panel's API detail JSON, refreshed when the panel changes, so readers never wait for a build.

Each web worker keeps answers in its own cache (``panels.cache``), keyed on the panel's revision:
after a change every worker misses. So right after a change commits, the writer builds the new
answer once and stores it in the database (``PanelAnswer``, one row per panel, replaced each
time); a worker that misses reads that row (one query) instead of building the answer (a panel
changed outside the services, with no stored answer, is built by each reader as before). The row
names the revision it was built for and is used only for exactly that revision: a reader can never
be handed an older version, whatever order concurrent writers finish in.
"""

from __future__ import annotations

import logging

from django.db import transaction

from . import cache, detail_sql
from .models import GenePanelSnapshot, PanelAnswer
from .representation import panel_detail_json

logger = logging.getLogger(__name__)
DETAIL = "api-detail"


def detail_json(snapshot: GenePanelSnapshot) -> bytes:
    """The answer for the snapshot's current revision: the stored one, else built. Readers never
    write (read-only mode lets only reads through while a migration runs)."""
    body = (
        PanelAnswer.objects.filter(snapshot_id=snapshot.pk, variant=DETAIL, revision=cache.revision(snapshot))
        .values_list("body", flat=True)
        .first()
    )
    return bytes(body) if body is not None else panel_detail_json(snapshot)


def refresh_on_commit(snapshot_ids) -> None:
    """Build and store the answers of these panels once the current transaction commits."""
    ids = sorted(set(snapshot_ids))
    if ids:
        transaction.on_commit(lambda: refresh(ids))


def refresh(snapshot_ids) -> None:
    """Never fails the change that asked for it: a missing answer is built by its first reader."""
    try:
        snapshots = list(GenePanelSnapshot.objects.with_panel().filter(pk__in=list(snapshot_ids)))
        # The entities' own JSON first (a super panel's are its children's, refreshed with them).
        detail_sql.fill([s.pk for s in snapshots])
        for snapshot in snapshots:
            _store(snapshot, cache.revision(snapshot))
    except Exception:
        logger.exception("could not refresh the stored answers of panels %s", list(snapshot_ids)[:20])


def _store(snapshot: GenePanelSnapshot, revision: str) -> None:
    PanelAnswer.objects.update_or_create(
        snapshot_id=snapshot.pk, variant=DETAIL, defaults={"revision": revision, "body": panel_detail_json(snapshot)}
    )
