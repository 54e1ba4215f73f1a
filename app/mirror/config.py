"""The mirror's settings from the environment (MIRROR_*; runtime.contract), read by the settings modules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from runtime.environment import EnvironmentReader

DEFAULT_TIMEOUT = 30
DEFAULT_RETRIES = 3


@dataclass(frozen=True)
class MirrorSettings:
    #: The PanelApp the beat schedule mirrors; None: no scheduled mirroring.
    source_url: str | None
    #: Minutes between scheduled runs (with source_url).
    interval_minutes: int
    timeout: int
    retries: int

    def beat_schedule(self) -> dict:
        """The periodic task to add to CELERY_BEAT_SCHEDULE (none without a source)."""
        if not self.source_url:
            return {}
        return {
            "mirror-panelapp": {
                "task": "mirror.tasks.mirror_panelapp",
                "schedule": self.interval_minutes * 60,
                "args": (self.source_url,),
            }
        }


def read_settings(environ: Mapping[str, str], settings_module: str) -> MirrorSettings:
    reader = EnvironmentReader(environ, production=False)
    found = MirrorSettings(
        source_url=reader.url("MIRROR_SOURCE_URL"),
        interval_minutes=reader.integer("MIRROR_INTERVAL_MINUTES", minimum=1) or 60,
        timeout=reader.integer("MIRROR_TIMEOUT", minimum=1, maximum=3600) or DEFAULT_TIMEOUT,
        retries=_retries(reader),
    )
    reader.raise_if_problems(settings_module)
    return found


def _retries(reader: EnvironmentReader) -> int:
    value = reader.integer("MIRROR_RETRIES", minimum=0, maximum=10)
    return DEFAULT_RETRIES if value is None else value
