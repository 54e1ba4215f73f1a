"""Settings for the test suite.

PostgreSQL from DATABASE_URL (the tests' fixture points Django at its own server), tasks run
eagerly in the test process, email kept in memory (django.core.mail.outbox), files on local disk.
A worker subprocess started with these settings consumes the SQS queue named by the environment
(see tests/fixtures/services.py: celery_worker, tasks_over_sqs).
"""

import os
import tempfile
from pathlib import Path

import dj_database_url

from runtime.logs import logging_config
from runtime.sqs import transport_options

from .base import *  # noqa: F403 - this module extends the shared settings

SECRET_KEY = "test-secret-key-not-for-production-use-0123456789"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PANEL_APP_BASE_URL = "http://testserver"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgresql://panelapp@127.0.0.1:5432/panelapp"),
        engine="django.db.backends.postgresql",
    )
}

# Fast hashing: tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "PanelApp <panelapp@panelapp.local>"
PANEL_APP_EMAIL = "panelapp@panelapp.local"

_FILES = Path(tempfile.gettempdir()) / f"panelapp-test-files-{os.getpid()}"
MEDIA_ROOT = _FILES / "media"
STATIC_ROOT = _FILES / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The suite sends thousands of API requests from one address; tests/security turns throttles on.
API_THROTTLE_ANON_RATE = API_THROTTLE_TOKEN_RATE = None

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "sqs://"
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TASK_QUEUE_NAME", "panelapp")
CELERY_BROKER_TRANSPORT_OPTIONS = transport_options(
    queue_name=CELERY_TASK_DEFAULT_QUEUE,
    region=os.environ.get("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION", "eu-west-2")),
    visibility_timeout=int(os.environ.get("SQS_QUEUE_VISIBILITY_TIMEOUT", "360")),
    polling_interval=0.2,
    wait_time_seconds=1,
)

LOGGING = logging_config(os.environ.get("DJANGO_LOG_LEVEL", "WARNING"))

# A non-production installation: anonymise_users may run here (docs/domain.md).
PANELAPP_NON_PRODUCTION = True
