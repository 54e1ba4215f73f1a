"""Run a Celery task's work at most once per task message (see runtime.models.CompletedTask)."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError
from django.utils import timezone

from runtime.models import CompletedTask

logger = logging.getLogger("panelapp.tasks")

#: How long completed task ids are remembered; far beyond any redelivery (visibility timeout x retries).
LEDGER_RETENTION = timedelta(days=7)


def once_per_message(work: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a ``bind=True`` task body: skip it when this task id already completed.

    The id is recorded after the work succeeds, so a failed or retried attempt runs again. Eager
    runs (tests, the embedded default) have no broker and so no redelivery: no ledger is kept.
    """

    @functools.wraps(work)
    def wrapper(task, *args: Any, **kwargs: Any) -> Any:
        if task.request.is_eager or not task.request.id:
            return work(task, *args, **kwargs)
        if CompletedTask.objects.filter(task_id=task.request.id).exists():
            logger.info("task %s already completed: redelivered message skipped", task.request.id)
            return None
        result = work(task, *args, **kwargs)
        # A concurrent redelivery may have finished first: the work is done either way.
        with contextlib.suppress(IntegrityError):
            CompletedTask.objects.create(task_id=task.request.id, task_name=task.name)
        return result

    return wrapper


def forget_completed_before(moment=None) -> int:
    cutoff = moment or timezone.now() - LEDGER_RETENTION
    deleted, _ = CompletedTask.objects.filter(completed_at__lt=cutoff).delete()
    return deleted
