"""/version/ is a probe: no database query, no session, any Host header."""

import json

import pytest

from runtime.version import VERSION


@pytest.mark.postgres
@pytest.mark.django_db
def test_version_costs_no_query_and_answers_any_host(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/version/", HTTP_HOST="10.0.0.7:8080", HTTP_COOKIE="sessionid=abc")
    assert response.status_code == 200
    assert json.loads(response.content) == {"version": VERSION}
    assert "Set-Cookie" not in response


def test_version_refuses_writes(client):
    assert client.post("/version/").status_code == 405


def test_version_is_routed_for_reverse():
    from django.urls import reverse

    assert reverse("version") == "/version/"
    assert reverse("health") == "/health/"
