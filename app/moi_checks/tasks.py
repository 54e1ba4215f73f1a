"""The weekly MOI check, run by beat (``moi-check`` in CELERY_BEAT_SCHEDULE; runtime.scheduled)."""

from __future__ import annotations

import logging
from typing import Any

from runtime.idempotency import once_per_message
from runtime.tasks import deliver, email_task

from . import services

logger = logging.getLogger(__name__)


@email_task("moi_checks.tasks.moi_check")
@once_per_message
def moi_check(self: Any) -> int:
    """Check the MOIs of the released panels' green genes; email the curators a CSV of the
    problems (none: no email). The number of problems found."""
    report = services.run_checks()
    if report.problems:
        deliver([services.report_message(report)])
    else:
        logger.info("Not sending email, no MOI errors detected")
    return len(report.problems)
