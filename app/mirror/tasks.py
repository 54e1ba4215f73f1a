"""The scheduled mirror run (CELERY_BEAT_SCHEDULE, from MIRROR_SOURCE_URL)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from .services import mirror


@shared_task(name="mirror.tasks.mirror_panelapp")
def mirror_panelapp(url: str) -> dict:
    """Incremental, so a run delivered twice fetches nothing the first one stored (idempotent)."""
    return mirror(url, timeout=settings.MIRROR_TIMEOUT, retries=settings.MIRROR_RETRIES).summary()
