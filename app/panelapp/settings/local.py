"""The embedded default: nothing but SQLite and local files, tasks run in-process, debug off.

For trying PanelApp on a laptop or in a single container without AWS. The production-required
variables fall back to local defaults (see runtime.contract, ``local_default``); everything is
kept under PANELAPP_LOCAL_DIR (default app/_local): the database, uploaded and collected files,
and the outgoing email (written as files, never sent).
"""

import os
import secrets
from pathlib import Path

from mirror.config import read_settings as _read_mirror
from runtime.environment import EnvironmentReader
from runtime.logs import logging_config
from runtime.maintenance import read_settings as _read_maintenance
from runtime.scheduled import KNOWN_TASKS as _SCHEDULED_TASKS
from runtime.scheduled import read_settings as _read_scheduled

from .base import *  # noqa: F403 - this module extends the shared settings
from .base import BASE_DIR, CELERY_BEAT_SCHEDULE

_reader = EnvironmentReader(os.environ, production=False)

DEBUG = _reader.boolean("DJANGO_DEBUG")
ALLOWED_HOSTS = _reader.hosts("ALLOWED_HOSTS")
PANEL_APP_BASE_URL = (_reader.url("PANEL_APP_BASE_URL") or "http://localhost:8080").rstrip("/")
ADMIN_URL = _reader.admin_path("DJANGO_ADMIN_URL")
DEFAULT_FROM_EMAIL = _reader.email("DEFAULT_FROM_EMAIL")
PANEL_APP_EMAIL = _reader.email("PANEL_APP_EMAIL")
HEALTH_CHECK_TOKEN = _reader.text("HEALTH_CHECK_TOKEN")
DJANGO_LOG_LEVEL = _reader.log_level("DJANGO_LOG_LEVEL")
METRICS_PORT = _reader.port("METRICS_PORT")
_local_dir = Path(_reader.text("PANELAPP_LOCAL_DIR") or BASE_DIR / "_local")
_reader.raise_if_problems("panelapp.settings.local")


def _local_secret_key(directory: Path) -> str:
    """SECRET_KEY, or a random key made on first start and kept in the local folder (owner-only).

    Never a key written in the source: with a published key anyone can forge session cookies and
    the email-verification links. Kept, so sessions and links survive restarts.
    """
    configured = _reader.text("SECRET_KEY") if _reader.is_set("SECRET_KEY") else None
    if configured:
        return configured
    path = directory / "secret_key"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: two processes starting at once agree on the one key the first one wrote.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(50))
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable secret key: delete it to make a new one")
    return key


SECRET_KEY = _local_secret_key(_local_dir)

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _local_dir / "panelapp.sqlite3"}}
STATIC_ROOT = _local_dir / "static"
MEDIA_ROOT = _local_dir / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SERVE_FILES_FROM_DISK = True

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = _local_dir / "outbox"

# No broker: tasks run in the calling process.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"

LOGGING = logging_config(DJANGO_LOG_LEVEL)

# The SQLite file's directory must exist before Django opens it.
_local_dir.mkdir(parents=True, exist_ok=True)

# --- Maintenance: read-only mode and the banner (runtime.maintenance) --------------------------
_maintenance = _read_maintenance(os.environ)
PANELAPP_READ_ONLY = _maintenance.read_only
PANELAPP_READ_ONLY_MESSAGE = _maintenance.read_only_message
PANELAPP_BANNER = _maintenance.banner

# --- Mirroring another PanelApp (mirror.config): the request limits and the optional beat run ----
_mirror = _read_mirror(os.environ, "panelapp.settings.local")
MIRROR_TIMEOUT = _mirror.timeout
MIRROR_RETRIES = _mirror.retries
CELERY_BEAT_SCHEDULE = {**CELERY_BEAT_SCHEDULE, **_mirror.beat_schedule()}

# A non-production installation: anonymise_users may run here (docs/domain.md).
PANELAPP_NON_PRODUCTION = True  # the embedded default never holds production data

# --- Scheduled tasks: the MOI check and OMIM (runtime.scheduled) ---------------------------------
_scheduled = _read_scheduled(os.environ)
CELERY_BEAT_SCHEDULE = {
    **{k: v for k, v in CELERY_BEAT_SCHEDULE.items() if k not in _SCHEDULED_TASKS},
    **_scheduled.beat_schedule(),
}
MOI_CHECK_DAY_OF_WEEK = _scheduled.moi_check_day_of_week
MOI_CHECK_HOUR = _scheduled.moi_check_hour
MOI_CHECK_MINUTE = _scheduled.moi_check_minute
OMIM_API_KEY = _scheduled.omim_api_key
OMIM_API_URL = _scheduled.omim_api_url
