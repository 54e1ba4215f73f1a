"""Gunicorn configuration of the web command (``gunicorn --config python:panelapp.gunicorn_config``).

The settings come from the GUNICORN_* variables over the image's defaults (runtime.gunicorn_settings);
logs are JSON lines at DJANGO_LOG_LEVEL; the hooks warm the application before it takes traffic,
replace a worker grown past WEB_WORKER_MAX_MEMORY_MB and, with METRICS_PORT set, serve the pod's
metrics from the master (runtime.metrics).
"""

import os

from runtime.environment import EnvironmentReader
from runtime.gunicorn_settings import (
    child_exit,
    memory_cap,
    on_starting,
    post_fork,
    post_worker_init,
    settings_from_environment,
    when_ready,
    worker_memory_limit,
)
from runtime.logs import logging_config

_reader = EnvironmentReader(os.environ, production=False)
_level = _reader.log_level("DJANGO_LOG_LEVEL")
_reader.raise_if_problems("panelapp.gunicorn_config")

loglevel = _level.lower()
logconfig_dict = logging_config(_level)
globals().update(settings_from_environment(os.environ))
post_request = memory_cap(worker_memory_limit(os.environ))

__all__ = [
    "child_exit",
    "logconfig_dict",
    "loglevel",
    "on_starting",
    "post_fork",
    "post_request",
    "post_worker_init",
    "when_ready",
]
