"""The one metrics HTTP server of a pod, and the bookkeeping of the processes that come and go.

It runs in gunicorn's master (``when_ready``) or the Celery worker's main process
(``worker_init``) and adds up, at each scrape, the files every process of the pod wrote in
PROMETHEUS_MULTIPROC_DIR (prometheus_client's MultiProcessCollector), plus any collector read at
scrape time (the worker's queue depth).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

logger = logging.getLogger("panelapp.metrics")

#: Every address of the pod, like the web's default bind (0.0.0.0:8080).
ADDRESS = "0.0.0.0"

_serving: dict[str, tuple[int, WSGIServer]] = {}


def registry(collectors: Iterable[Collector] = ()) -> CollectorRegistry:
    """The pod's figures: every process's files, and ``collectors``."""
    found = CollectorRegistry()
    MultiProcessCollector(found)
    for collector in collectors:
        found.register(collector)
    return found


def serve(port: int, collectors: Iterable[Collector] = ()) -> WSGIServer:
    """Serve GET /metrics on ``port`` from a daemon thread of this process."""
    server, _thread = start_http_server(port, addr=ADDRESS, registry=registry(collectors))
    _serving["server"] = (os.getpid(), server)
    logger.info("serving metrics at http://%s:%d/metrics", ADDRESS, port)
    return server


def close_inherited() -> None:
    """In a process forked from the server's (a gunicorn worker, a Celery pool child): close the
    copy of the listening socket the fork left it, so only the server's own process holds the port."""
    owner = _serving.get("server")
    if owner is not None and owner[0] != os.getpid():
        owner[1].socket.close()
        del _serving["server"]


def process_exited(pid: int) -> None:
    """A process of the pod is gone: drop the files of its live gauges (its counters stay)."""
    mark_process_dead(pid)
