"""Warming the web application before it takes traffic.

A fresh process pays on its first requests for what Django and DRF do lazily: importing every
view module the URLconf names, building serializers, compiling templates, the first query's
database set-up. gunicorn loads the application once in its master (``preload_app``), calls
``warm_up`` there, and only then opens its socket and forks the workers: they inherit all of it,
and a worker recycled by ``max_requests`` starts warm too. The kubelet's probe cannot answer
before the socket opens, so the pod is ready only after the warm-up.

``warm_up`` sends a few anonymous GETs through the application itself (no network). Their answers
do not matter, and a failure (say, the database is not reachable yet) is logged, never fatal,
and ends the warm-up.
Database connections opened on the way are closed again: forked workers must not share them;
each worker opens its own before it serves (``connect``).
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
import threading
import time
from concurrent.futures import wait
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections
from django.http.request import validate_host

# Named as when this module lived in the project package: the logger the log queries know.
logger = logging.getLogger("panelapp.warmup")

#: The requests that load the code of the busiest paths: API lists and lookups, the web pages.
PATHS = ("/api/v1/panels/", "/api/v1/genes/BRCA1/", "/api/v1/panels/1/", "/panels/", "/panels/1/", "/")
#: Set in the WSGI environ of the warm-up's requests (no client can send it: headers arrive as
#: HTTP_*), so that the metrics do not count them as traffic (runtime.metrics.http).
WARM_UP_KEY = "panelapp.warm_up"


def _host() -> str:
    """The site's own host when it is allowed (so the answers cached now are the ones its readers
    ask for), else the first allowed host."""
    site = urlsplit(getattr(settings, "PANEL_APP_BASE_URL", "") or "").hostname
    if site and validate_host(site, settings.ALLOWED_HOSTS):
        return site
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*":
            return host.lstrip(".")
    return "localhost"


def _environ(path: str, host: str) -> dict:
    accept = "application/json" if path.startswith("/api/") else "text/html"
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "HTTP_HOST": host,
        "HTTP_ACCEPT": accept,
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "SERVER_PROTOCOL": "HTTP/1.1",
        WARM_UP_KEY: True,
    }


def warm_up(application, paths=PATHS) -> dict[str, int | str]:
    """GET each path through ``application``; return each answer's status (or the error's name)."""
    started = time.perf_counter()
    host, statuses = _host(), {}
    for path in paths:
        try:
            response = application(_environ(path, host), lambda status, headers, exc_info=None: None)
            try:
                for _chunk in response:
                    pass
            finally:
                getattr(response, "close", lambda: None)()
            statuses[path] = getattr(response, "status_code", 200)
        except Exception as error:  # a warm-up must never stop the server from starting
            statuses[path] = type(error).__name__
        if not isinstance(statuses[path], int) or statuses[path] >= 500:
            # Most likely the database is not reachable: waiting on it for every path would only
            # delay the start; the workers connect when it is back.
            break
    connections.close_all()
    logger.info("warmed up in %.2f s: %s", time.perf_counter() - started, statuses)
    return statuses


def connect() -> None:
    """Open the worker's database connection now rather than on its first request (the
    authentication handshake is a good part of a cold request); never fatal."""
    try:
        connections["default"].ensure_connection()
    except Exception as error:
        logger.warning("could not connect to the database before serving: %s", type(error).__name__)


def connect_threads(pool, threads: int, timeout: float = 30) -> None:
    """``connect`` in each thread of a thread pool: every task waits at a barrier until all have
    started, so the pool runs each on a thread of its own."""
    barrier = threading.Barrier(threads)

    def task() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout)
        connect()

    wait([pool.submit(task) for _ in range(threads)], timeout=timeout)
