"""PanelApp's monitoring endpoints cost (almost) nothing: /ping/1/ no query, /health/1/ one per
check, and without the token a report is reused for 10 s."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from runtime import health

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_ping_runs_no_query(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/ping/1/", HTTP_HOST="10.0.0.7:8080")
    assert (response.status_code, response.json(), len(queries)) == (200, {"ping": "pong"}, 0)


def test_health_1_without_the_token_reuses_its_report(client, settings):
    settings.HEALTH_CHECKS = ["database"]
    health._recent.clear()
    with CaptureQueriesContext(connection) as first:
        answer = client.get("/health/1/").json()
    assert (answer["status"], answer["components"], len(first)) == ("OK", ["database"], 1)
    with CaptureQueriesContext(connection) as again:
        for _ in range(20):
            assert client.get("/health/1/").status_code == 200
    assert len(again) == 0
    assert client.post("/health/1/").status_code == 405
