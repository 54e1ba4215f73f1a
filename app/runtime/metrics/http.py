"""Each request counted and timed, with the number of database queries it made.

The middleware comes first in settings.MIDDLEWARE, so the time and the queries of every other
middleware count too. Its labels are bounded: the view is the resolved URL name (Django's
``view_name``: ``namespace:name``, or the view's dotted path for a route without a name), never
the path; a request that matched no route is ``unmatched``; the probes, answered before URL
resolution (runtime.probes), are ``version`` and ``health``; a method outside HTTP's own is
``other``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import HttpRequest, HttpResponseBase

from runtime import contract
from runtime.warmup import WARM_UP_KEY

UNMATCHED = "unmatched"
PROBES = {
    contract.VERSION_PATH: "version",
    contract.HEALTH_PATH: "health",
    contract.HEALTH_V1_PATH: "health-v1",
    contract.PING_PATH: "ping",
}
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})


class QueryCounter:
    """A database execute wrapper (``connection.execute_wrapper``) that counts the statements."""

    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        self.queries += 1
        return execute(sql, params, many, context)


def view_label(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is not None:
        return match.view_name
    return PROBES.get(request.path_info, UNMATCHED)


def method_label(request: HttpRequest) -> str:
    method = request.method or ""
    return method if method in METHODS else "other"


class MetricsMiddleware:
    """Counts, times and query-counts every request while METRICS_PORT is set; otherwise Django
    leaves it out of the stack (MiddlewareNotUsed) and nothing changes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if not getattr(settings, "METRICS_PORT", None):
            raise MiddlewareNotUsed("METRICS_PORT is unset")
        # Imported only with metrics on: prometheus_client picks its multiprocess mode when first
        # imported, after panelapp-web has prepared the folder (runtime.metrics.multiprocess).
        from runtime.metrics import definitions

        self.metrics = definitions
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.META.get(WARM_UP_KEY):
            # The master's warm-up (runtime.warmup) is not traffic.
            return self.get_response(request)
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        seconds = time.perf_counter() - started
        view = view_label(request)
        self.metrics.HTTP_REQUESTS.labels(view, method_label(request), str(response.status_code)).inc()
        self.metrics.HTTP_REQUEST_SECONDS.labels(view).observe(seconds)
        self.metrics.HTTP_REQUEST_QUERIES.labels(view).observe(counter.queries)
        return response
