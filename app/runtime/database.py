"""A bound on how long one web request may hold the database (docker-aws: DATABASE_STATEMENT_TIMEOUT).

gunicorn kills a worker that is silent for GUNICORN_TIMEOUT, but the PostgreSQL backend serving
it keeps computing: a few expensive requests can keep the database busy for minutes after their
clients gave up. PostgreSQL's ``statement_timeout`` cancels such a statement on the server.

It is set by this middleware, so it binds web requests only: Celery workers and the Jobs
(migrations, imports) never pass through it and are not limited. A cancelled statement answers
503 with a message instead of a 500.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import OperationalError, connections
from django.db.backends.signals import connection_created
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger("panelapp.database")

#: psycopg2's SQLSTATE for a statement cancelled by statement_timeout (or pg_cancel_backend).
QUERY_CANCELED = "57014"
_MARK = "_panelapp_statement_timeout_ms"


def statement_timeout_ms() -> int:
    return int(getattr(settings, "DATABASE_STATEMENT_TIMEOUT", 0) or 0) * 1000


def apply_statement_timeout(connection) -> None:
    """Give ``connection`` (a Django wrapper) the configured timeout, once per database session."""
    wanted = statement_timeout_ms()
    if connection.vendor != "postgresql" or getattr(connection, _MARK, 0) == wanted:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = %s", [wanted])
    setattr(connection, _MARK, wanted)


def _on_connection_created(sender, connection, **kwargs) -> None:
    # A new database session starts without the setting, whatever the wrapper remembers.
    setattr(connection, _MARK, 0)
    if statement_timeout_ms():
        apply_statement_timeout(connection)


def _was_cancelled(error: BaseException) -> bool:
    cause = error.__cause__
    return getattr(cause, "pgcode", None) == QUERY_CANCELED


class StatementTimeoutMiddleware:
    """Bounds every SQL statement of a web request; a cancelled one is a 503 that says why."""

    def __init__(self, get_response):
        self.get_response = get_response
        connection_created.connect(_on_connection_created, dispatch_uid="runtime.database.statement_timeout")

    def __call__(self, request):
        if statement_timeout_ms():
            for connection in connections.all(initialized_only=True):
                if connection.connection is not None:
                    apply_statement_timeout(connection)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError) or not _was_cancelled(exception):
            return None
        seconds = statement_timeout_ms() // 1000
        logger.warning("request cancelled by the database statement timeout", extra={"path": request.path})
        message = f"The request needed the database for longer than the limit of {seconds} s; narrow it down."
        if request.path.startswith(("/api/", "/WebServices/")):
            return JsonResponse({"detail": message}, status=503)
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
