"""Each Celery task counted by outcome and timed, from Celery's own signals.

Connected in the worker's main process before the pool forks, so every prefork child runs the
handlers and writes its figures to its own files (runtime.metrics.multiprocess). A task's name is
its registered name (e.g. ``panelapp.tasks.send_email``): bounded, and never its arguments.
"""

from __future__ import annotations

import time
from typing import Any

from celery import states
from celery.signals import task_postrun, task_prerun

from runtime.metrics import definitions

#: Celery's final states -> the ``state`` label; others (ignored, rejected) are not counted.
OUTCOMES = {states.SUCCESS: "succeeded", states.FAILURE: "failed", states.RETRY: "retried"}

_started: dict[str, float] = {}


def task_started(task_id: str | None = None, **_kwargs: Any) -> None:
    if task_id is not None:
        _started[task_id] = time.perf_counter()


def task_finished(task_id: str | None = None, task: Any = None, state: str | None = None, **_kwargs: Any) -> None:
    started = _started.pop(task_id, None) if task_id is not None else None
    name = getattr(task, "name", None) or "unknown"
    if started is not None:
        definitions.CELERY_TASK_SECONDS.labels(name).observe(time.perf_counter() - started)
    outcome = OUTCOMES.get(state or "")
    if outcome is not None:
        definitions.CELERY_TASKS.labels(name, outcome).inc()


def connect() -> None:
    """Count and time the tasks this worker runs (its pool's children inherit the handlers)."""
    task_prerun.connect(task_started, weak=False)
    task_postrun.connect(task_finished, weak=False)
