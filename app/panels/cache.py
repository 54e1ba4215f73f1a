"""Cached renderings of a panel's current version, keyed on its revision.

Rendering a panel of a thousand genes costs far more than reading it, and panels are read much
more often than they change. Every change goes through ``services.versioning.panel_change``,
which stamps the snapshot's ``modified`` (children's changes stamp their super panels too), so
``(snapshot id, version, modified)`` names one exact state of the panel: a cached rendering under
that key can never be out of date. Changes made outside the services (the Django admin, raw SQL)
do not stamp it; the time limit bounds how long such a change can go unseen.

The cache is Django's default cache (per process unless configured otherwise).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Max

from .models import GenePanelSnapshot

#: Seconds a rendering may be served; only matters for changes made outside the services.
TIMEOUT = 600


def revision(snapshot: GenePanelSnapshot) -> str:
    return f"{snapshot.pk}:{snapshot.version}:{snapshot.modified.timestamp():.6f}"


def get_or_build(kind: str, snapshot: GenePanelSnapshot, build, *variants) -> object:
    key = ":".join(["panelapp", kind, revision(snapshot), *map(str, variants)])
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def site_revision() -> str:
    """Changes whenever any panel changes: the key of cached cross-panel listings.

    One small aggregate query; every change stamps its snapshot's ``modified``.
    """
    state = GenePanelSnapshot.objects.aggregate(latest=Max("modified"), panels=Count("id"))
    latest = state["latest"].timestamp() if state["latest"] else 0
    return f"{state['panels']}:{latest:.6f}"
