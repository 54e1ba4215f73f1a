"""F1, defence in depth: no web request holds PostgreSQL longer than DATABASE_STATEMENT_TIMEOUT."""

import time

import pytest
from django.db import connection
from django.test import override_settings

from runtime.environment import ConfigurationError, load_production
from tests.runtime.settings_loader import load_settings
from tests.runtime.test_environment import COMPLETE

MIDDLEWARE = "runtime.database.StatementTimeoutMiddleware"


def test_production_settings_bound_web_statements_by_default_and_by_the_environment(monkeypatch):
    loaded = load_settings("panelapp.settings.docker-aws", dict(COMPLETE), monkeypatch)
    assert loaded["DATABASE_STATEMENT_TIMEOUT"] == 30
    assert MIDDLEWARE in loaded["MIDDLEWARE"]
    assert loaded["MIDDLEWARE"].index(MIDDLEWARE) < loaded["MIDDLEWARE"].index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )
    assert load_production({**COMPLETE, "DATABASE_STATEMENT_TIMEOUT": "5"}).database.statement_timeout == 5
    assert load_production({**COMPLETE, "DATABASE_STATEMENT_TIMEOUT": "0"}).database.statement_timeout == 0


@pytest.mark.parametrize("value", ["-1", "30s", "100000"])
def test_a_malformed_timeout_is_named_at_start_up(value):
    with pytest.raises(ConfigurationError) as caught:
        load_production({**COMPLETE, "DATABASE_STATEMENT_TIMEOUT": value})
    assert any(p.startswith("DATABASE_STATEMENT_TIMEOUT") for p in caught.value.problems)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF="tests.security.slow_urls", DATABASE_STATEMENT_TIMEOUT=1, MIDDLEWARE=[MIDDLEWARE])
def test_a_statement_longer_than_the_limit_is_cancelled_with_a_503(client):
    connection.close()  # the middleware sets the timeout on each new database session
    started = time.monotonic()
    response = client.get("/slow/", {"seconds": "5"})
    assert response.status_code == 503
    assert "limit of 1 s" in response.content.decode()
    assert time.monotonic() - started < 3
    api = client.get("/api/slow/", {"seconds": "5"})
    assert (api.status_code, "limit of 1 s" in api.json()["detail"]) == (503, True)
    # The connection is still usable, and quick statements are untouched.
    assert client.get("/slow/", {"seconds": "0.1"}).content == b"finished"
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "1s"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_work_outside_web_requests_is_not_limited():
    """Migrations, imports and tasks never pass through the middleware."""
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
