"""Gunicorn configuration of the web command (``gunicorn --config python:panelapp.gunicorn_config``).

Every environment variable ``GUNICORN_<SETTING>`` sets that gunicorn setting (``GUNICORN_WORKERS=3``
-> ``workers = "3"``; gunicorn's own validators convert the text). A name gunicorn does not know
is an error that names the variable and the closest real setting: a typo such as
``GUNICORN_WORKER`` must not be silently ignored. Logs are JSON lines at DJANGO_LOG_LEVEL.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping

from panelapp import contract
from panelapp.environment import ConfigurationError, EnvironmentReader
from panelapp.logs import logging_config

#: The image's defaults (PanelApp's Dockerfile-web), overridable like any other setting. Gunicorn's
#: control socket is off: pods are managed by Kubernetes, and its default path under $HOME may not
#: be writable in the container. The application is loaded and warmed in the master before the
#: socket opens (``preload_app``, ``on_starting``), so every worker, new or recycled, starts warm;
#: a worker is replaced after 2,000 requests, give or take 200 so they do not all restart at once,
#: which bounds the memory each can grow to (its per-process cache, fragmentation). Workers are
#: threaded (gthread, 2 threads): measured on PostgreSQL (bench/domain/read_paths.py and the note
#: of issue 13), twice the cached answers per second of sync workers, the same for large ones, and
#: a thread waiting on the database or a slow client no longer holds the whole process; each thread
#: keeps its own database connection, so 2 threads at most double a pod's connections.
DEFAULTS = {
    "workers": "8",
    "timeout": "300",
    "bind": f"0.0.0.0:{contract.WEB_PORT}",
    "backlog": "4096",
    "control_socket_disable": "true",
    "preload_app": "true",
    "max_requests": "2000",
    "max_requests_jitter": "200",
    "worker_class": "gthread",
    "threads": "2",
}


def known_settings() -> set[str]:
    from gunicorn.config import KNOWN_SETTINGS

    return {setting.name for setting in KNOWN_SETTINGS}


def settings_from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Gunicorn settings from GUNICORN_* variables over DEFAULTS.

    Raises ConfigurationError naming every unknown setting and every value gunicorn's own
    validators refuse, so that the web command can stop with one clear message instead of
    gunicorn's plain-text error for the first of them.
    """
    from gunicorn.config import Config

    known = known_settings()
    values = dict(DEFAULTS)
    problems = []
    for variable, value in sorted(environ.items()):
        if not variable.startswith(contract.GUNICORN_PREFIX) or variable == contract.GUNICORN_CMD_ARGS:
            continue
        name = variable[len(contract.GUNICORN_PREFIX) :].lower()
        if name in known:
            values[name] = value
            continue
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean GUNICORN_{close[0].upper()}?)" if close else ""
        problems.append(f"{variable} is not a gunicorn setting{hint}")
    probe = Config()
    for name, value in values.items():
        if name in known:
            try:
                probe.set(name, value)
            except (TypeError, ValueError) as error:
                problems.append(f"GUNICORN_{name.upper()} is not a valid {name}: {error}")
    if problems:
        raise ConfigurationError(problems, "panelapp.gunicorn_config")
    return values


_reader = EnvironmentReader(os.environ, production=False)
_level = _reader.log_level("DJANGO_LOG_LEVEL")
_reader.raise_if_problems("panelapp.gunicorn_config")

loglevel = _level.lower()
logconfig_dict = logging_config(_level)
globals().update(settings_from_environment(os.environ))


def on_starting(server) -> None:
    """In the master, before the socket opens: warm the preloaded application (panelapp.warmup)."""
    if server.cfg.preload_app:
        import gc

        from panelapp.warmup import warm_up

        warm_up(server.app.wsgi())
        # Keep the warmed objects out of the collector's reach: a collection in a worker would
        # otherwise write to (and so copy) every page the workers share with the master.
        gc.freeze()


def post_worker_init(worker) -> None:
    """Before the worker serves: without preload_app it loaded the application itself, so warm it;
    then open its database connections (kept for CONN_MAX_AGE; the master's were closed): one per
    thread of a threaded worker, since each thread has its own."""
    from panelapp.warmup import connect, connect_threads, warm_up

    if not worker.cfg.preload_app:
        warm_up(worker.wsgi)
    pool = getattr(worker, "tpool", None)
    if pool is not None:
        connect_threads(pool, worker.cfg.threads)
    else:
        connect()
