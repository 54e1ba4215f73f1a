"""JSON-lines logging shared by Django, Celery and Gunicorn.

Every component of the image writes one JSON object per line to stdout, so that the cluster's log
collector can index them without parsing rules. One level, DJANGO_LOG_LEVEL, governs all three.

Two guarantees live here rather than at each call site:

* Celery task lines carry ``task_id`` and ``task_name`` (taken from the running task).
* No credential is ever written: the values of the credential variables present in the process
  environment (and the passwords inside DATABASE_URL / CELERY_BROKER_URL) are replaced by
  ``[redacted]`` in every line, whatever code logged them.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from pythonjsonlogger.json import JsonFormatter

#: Variables whose values are credentials: redacted from every log line.
CREDENTIAL_VARIABLES = (
    "SECRET_KEY",
    "DATABASE_PASSWORD",
    "EMAIL_HOST_PASSWORD",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "HEALTH_CHECK_TOKEN",
)
#: URLs that may embed a password in their user-info part.
CREDENTIAL_URL_VARIABLES = ("DATABASE_URL", "CELERY_BROKER_URL")
#: Shorter values are not redacted: they would blank out ordinary words.
MINIMUM_REDACTED_LENGTH = 6
REDACTED = "[redacted]"

LOG_FORMAT_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(module)s %(lineno)d %(process)d"


def credential_values(environ: Mapping[str, str]) -> list[str]:
    """The secret strings to keep out of the logs, longest first (so overlaps redact fully)."""
    values = {environ.get(name, "") for name in CREDENTIAL_VARIABLES}
    for name in CREDENTIAL_URL_VARIABLES:
        try:
            password = urlsplit(environ.get(name, "")).password
        except ValueError:
            password = None
        if password:
            values.update({password, unquote(password)})
    return sorted((v for v in values if len(v) >= MINIMUM_REDACTED_LENGTH), key=len, reverse=True)


def current_task() -> Any:
    """The Celery task running in this process, if any (without importing Celery otherwise)."""
    if "celery" not in sys.modules:
        return None
    # Imported only once something else imported Celery: a process without Celery runs no task.
    # The function behind celery.current_task: the running task, or None (no app needed).
    from celery._state import get_current_task

    return get_current_task()


class PanelAppJsonFormatter(JsonFormatter):
    """python-json-logger with PanelApp's fields, task context and credential redaction."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", LOG_FORMAT_FIELDS)
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        kwargs.setdefault("rename_fields", {"asctime": "timestamp", "levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)
        self._secrets = credential_values(os.environ)
        # A secret may also appear JSON-escaped (quotes, backslashes) inside the serialised line.
        self._secrets += [json.dumps(s)[1:-1] for s in self._secrets if json.dumps(s)[1:-1] != s]

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        task = current_task()
        if task is not None and getattr(task, "request", None) is not None and task.request.id:
            log_data.setdefault("task_id", task.request.id)
            log_data.setdefault("task_name", task.name)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        for secret in self._secrets:
            if secret in line:
                line = line.replace(secret, REDACTED)
        return line


def gunicorn_level(environ: Mapping[str, str], default: str) -> str:
    """gunicorn's own log level: GUNICORN_LOG_LEVEL (Genomics England's image's name, which wins) or
    GUNICORN_LOGLEVEL, else ``default``. The web command validates both (runtime.gunicorn_settings)."""
    for name in ("GUNICORN_LOG_LEVEL", "GUNICORN_LOGLEVEL"):
        value = environ.get(name, "").strip().upper()
        if value in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            return value
    return default


def logging_config(level: str) -> dict[str, Any]:
    """``logging.config.dictConfig`` for every component: JSON lines on stdout at ``level``
    (gunicorn's own logger at ``gunicorn_level``)."""
    propagate = {"handlers": [], "level": level, "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "runtime.logs.PanelAppJsonFormatter"}},
        "handlers": {
            "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"},
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Django's defaults send these to stderr as plain text or by email; route them to the root.
            "django": propagate,
            "django.server": propagate,
            "django.request": propagate,
            "celery": propagate,
            "celery.task": propagate,
            "gunicorn.error": {**propagate, "level": gunicorn_level(os.environ, level)},
            # Access lines are the load balancer's and the CDN's job; keep them out unless asked.
            "gunicorn.access": {"handlers": [], "level": level, "propagate": True},
            "panelapp": propagate,
            "py.warnings": propagate,
            # Very chatty at DEBUG and irrelevant to operators.
            "botocore": {"handlers": [], "level": max_level(level, "INFO"), "propagate": True},
            "urllib3": {"handlers": [], "level": max_level(level, "INFO"), "propagate": True},
        },
    }


def max_level(level: str, floor: str) -> str:
    return level if logging.getLevelName(level) >= logging.getLevelName(floor) else floor
