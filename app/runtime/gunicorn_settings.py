"""The web server's settings and hooks, which panelapp.gunicorn_config hands to gunicorn.

Every environment variable ``GUNICORN_<SETTING>`` sets that gunicorn setting (``GUNICORN_WORKERS=3``
-> ``workers = "3"``; gunicorn's own validators convert the text). A name gunicorn does not know
is an error that names the variable and the closest real setting: a typo such as
``GUNICORN_WORKER`` must not be silently ignored. The web and check commands validate the same
variables before gunicorn starts (runtime.commands).
"""

from __future__ import annotations

import difflib
import gc
from collections.abc import Mapping

from django.conf import settings as django_settings
from gunicorn.config import KNOWN_SETTINGS, Config

from runtime import contract
from runtime.environment import ConfigurationError, EnvironmentReader
from runtime.warmup import connect, connect_threads, warm_up

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


#: Names Genomics England's PanelApp images set that are not ``GUNICORN_<SETTING>`` spellings of a
#: gunicorn setting, and the setting each one sets here. Its web image sets GUNICORN_LOG_LEVEL
#: (gunicorn's setting is ``loglevel``); accepted so that its environment starts this image
#: unchanged, and honoured as gunicorn's own log level (default: DJANGO_LOG_LEVEL).
ALIASES = {"GUNICORN_LOG_LEVEL": "loglevel"}
_LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


def known_settings() -> set[str]:
    return {setting.name for setting in KNOWN_SETTINGS}


def settings_from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Gunicorn settings from GUNICORN_* variables over DEFAULTS.

    Raises ConfigurationError naming every unknown setting and every value gunicorn's own
    validators refuse, so that the web command can stop with one clear message instead of
    gunicorn's plain-text error for the first of them.
    """
    known = known_settings()
    values = dict(DEFAULTS)
    problems = []
    for variable, value in sorted(environ.items()):
        if not variable.startswith(contract.GUNICORN_PREFIX) or variable == contract.GUNICORN_CMD_ARGS:
            continue
        if variable in ALIASES:
            name = ALIASES[variable]
            level = value.strip().lower()
            if name == "loglevel" and level not in _LOG_LEVELS:
                problems.append(f"{variable} must be one of {', '.join(_LOG_LEVELS)}, got {value!r}")
                continue
            values[name] = level
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


#: Requests between two looks at a worker's memory (reading it costs about 1.5 ms).
MEMORY_CHECK_EVERY = 32
MEMORY_LIMIT_VARIABLE = "WEB_WORKER_MAX_MEMORY_MB"


def worker_memory_limit(environ: Mapping[str, str]) -> int:
    """MiB of private memory a web worker may hold (WEB_WORKER_MAX_MEMORY_MB); 0: no limit."""
    reader = EnvironmentReader(environ, production=False)
    limit = reader.integer(MEMORY_LIMIT_VARIABLE)
    reader.raise_if_problems("panelapp.gunicorn_config")
    return limit or 0


def private_memory_mib(pid: int | str = "self") -> float | None:
    """The process's private memory (Private_Clean + Private_Dirty of /proc/PID/smaps_rollup):
    what replacing it would give back. Pages still shared with the master after the fork (the
    preloaded, frozen application) are not counted. None where the kernel does not say."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            kib = sum(int(line.split()[1]) for line in rollup if line.startswith(("Private_Clean:", "Private_Dirty:")))
    except OSError:
        return None
    return kib / 1024


def memory_cap(limit_mib: int):
    """A ``post_request`` hook: once the worker holds more private memory than ``limit_mib``, it
    stops taking requests, finishes the ones it has and exits; the master starts a fresh (warm)
    one. Like ``max_requests``, but for the worker that actually grew (a large upload, a leak)."""

    def post_request(worker, req, environ, resp) -> None:
        worker.panelapp_requests = getattr(worker, "panelapp_requests", 0) + 1
        if not limit_mib or worker.panelapp_requests % MEMORY_CHECK_EVERY or not worker.alive:
            return
        used = private_memory_mib()
        if used is not None and used > limit_mib:
            worker.log.warning(
                "worker %s holds %.0f MiB of private memory, over %s=%s: replacing it after its current requests",
                worker.pid,
                used,
                MEMORY_LIMIT_VARIABLE,
                limit_mib,
            )
            worker.alive = False

    return post_request


def on_starting(server) -> None:
    """In the master, before the socket opens: warm the preloaded application (runtime.warmup)."""
    if server.cfg.preload_app:
        warm_up(server.app.wsgi())
        # Keep the warmed objects out of the collector's reach: a collection in a worker would
        # otherwise write to (and so copy) every page the workers share with the master.
        gc.freeze()


def post_worker_init(worker) -> None:
    """Before the worker serves: without preload_app it loaded the application itself, so warm it;
    then open its database connections (kept for CONN_MAX_AGE; the master's were closed): one per
    thread of a threaded worker, since each thread has its own."""
    if not worker.cfg.preload_app:
        warm_up(worker.wsgi)
    pool = getattr(worker, "tpool", None)
    if pool is not None:
        connect_threads(pool, worker.cfg.threads)
    else:
        connect()


def when_ready(server) -> None:
    """In the master, once it listens: serve the pod's metrics on METRICS_PORT (runtime.metrics),
    adding up every worker's."""
    if django_settings.METRICS_PORT:
        # Imported only with metrics on, after panelapp-web prepared their folder: prometheus_client
        # picks its multiprocess mode when first imported (runtime.metrics.multiprocess).
        from runtime.metrics import server as metrics

        metrics.serve(django_settings.METRICS_PORT)


def post_fork(server, worker) -> None:
    """In a new worker: let go of the master's metrics socket, which the fork copied."""
    if django_settings.METRICS_PORT:
        from runtime.metrics import server as metrics  # imported in the master already (when_ready)

        metrics.close_inherited()


def child_exit(server, worker) -> None:
    """In the master, when a worker is gone (recycled, killed): drop its live metrics' files."""
    if django_settings.METRICS_PORT:
        from runtime.metrics import server as metrics  # imported in the master already (when_ready)

        metrics.process_exited(worker.pid)
