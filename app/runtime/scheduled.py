"""PanelApp's optional periodic tasks (Celery beat) and their settings, read from the environment
like the rest of the contract: ACTIVE_SCHEDULED_TASKS, MOI_CHECK_DAY_OF_WEEK, MOI_CHECK_HOUR,
MOI_CHECK_MINUTE, OMIM_API_KEY and OMIM_API_URL (docs/configuration.md).

As in Genomics England's PanelApp, the MOI check runs weekly, on Sundays at 06:30 unless told
otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runtime import contract
from runtime.environment import EnvironmentReader

MOI_CHECK = "moi-check"
MOI_CHECK_TASK = "moi_checks.tasks.moi_check"
KNOWN_TASKS = (MOI_CHECK,)


def _default(name: str) -> str:
    return contract.variable(name).default or ""


@dataclass(frozen=True)
class ScheduledSettings:
    active: tuple[str, ...] = tuple(t.strip() for t in _default("ACTIVE_SCHEDULED_TASKS").split(",") if t.strip())
    moi_check_day_of_week: str = _default("MOI_CHECK_DAY_OF_WEEK")
    moi_check_hour: int = int(_default("MOI_CHECK_HOUR"))
    moi_check_minute: int = int(_default("MOI_CHECK_MINUTE"))
    omim_api_key: str | None = None
    omim_api_url: str = _default("OMIM_API_URL")

    def beat_schedule(self) -> dict[str, dict[str, Any]]:
        """The CELERY_BEAT_SCHEDULE entries of the active tasks."""
        from celery.schedules import crontab

        entries: dict[str, dict[str, Any]] = {}
        if MOI_CHECK in self.active:
            entries[MOI_CHECK] = {
                "task": MOI_CHECK_TASK,
                "schedule": crontab(
                    minute=self.moi_check_minute, hour=self.moi_check_hour, day_of_week=self.moi_check_day_of_week
                ),
            }
        return entries


def _valid_day_of_week(text: str) -> bool:
    from celery.schedules import crontab

    try:
        crontab(day_of_week=text)
    except (ValueError, TypeError):
        return False
    return True


def read_settings(environ: Mapping[str, str]) -> ScheduledSettings:
    """The variables, validated like the rest of the contract (a bad value stops start-up)."""
    reader = EnvironmentReader(environ, production=False)
    defaults = ScheduledSettings()
    active = tuple(t.strip() for t in (reader.raw("ACTIVE_SCHEDULED_TASKS") or "").split(",") if t.strip())
    if not reader.is_set("ACTIVE_SCHEDULED_TASKS") and "ACTIVE_SCHEDULED_TASKS" in environ:
        active = ()  # set to the empty string: none
    unknown = sorted(set(active) - set(KNOWN_TASKS))
    if unknown:
        reader.invalid("ACTIVE_SCHEDULED_TASKS", f"names unknown tasks {unknown} (known: {', '.join(KNOWN_TASKS)})", "")
    day = reader.text("MOI_CHECK_DAY_OF_WEEK") or defaults.moi_check_day_of_week
    if not _valid_day_of_week(day):
        reader.invalid("MOI_CHECK_DAY_OF_WEEK", "must be a crontab day of week (e.g. sun, mon-fri, 0-6)", day)
    hour = reader.integer("MOI_CHECK_HOUR", maximum=23)
    minute = reader.integer("MOI_CHECK_MINUTE", maximum=59)
    url = reader.url("OMIM_API_URL") or defaults.omim_api_url
    found = ScheduledSettings(
        active=active,
        moi_check_day_of_week=day,
        moi_check_hour=defaults.moi_check_hour if hour is None else hour,
        moi_check_minute=defaults.moi_check_minute if minute is None else minute,
        omim_api_key=reader.text("OMIM_API_KEY"),
        omim_api_url=url,
    )
    reader.raise_if_problems("runtime.scheduled")
    return found
