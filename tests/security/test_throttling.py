"""F8: failed logins lock out (per account and per client address, 429 with a message), the API
is throttled with configurable rates, and an anonymous /health/ touches no dependency."""

import pytest
from django.core.cache import cache
from django.test import Client

from runtime.environment import ConfigurationError, load_production
from tests.runtime.settings_loader import load_settings
from tests.runtime.test_environment import COMPLETE

from ..domain.conftest import make_user

PASSWORD = "correct horse battery staple"


def attempt(username, password, address="10.0.0.1", **headers):
    return Client().post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_account_is_locked_after_the_limit_with_a_clear_429(settings):
    settings.AXES_FAILURE_LIMIT = 5
    make_user("reviewer", "REVIEWER")
    for number in range(4):
        assert attempt("reviewer", f"wrong{number}", address=f"10.0.1.{number}").status_code == 200
    locked = attempt("Reviewer ", "wrong-again", address="10.0.1.9")  # case and spaces count as the same account
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins" in page and "paused for 15 minutes" in page
    assert locked["Retry-After"] == "900"
    # Even the right password, from a fresh address, waits out the lockout.
    assert attempt("reviewer", PASSWORD, address="10.0.2.1").status_code == 429


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_client_address_is_locked_after_the_limit_whatever_the_accounts(settings):
    settings.AXES_FAILURE_LIMIT = 5
    make_user("curator", "GEL")
    for number in range(5):
        attempt(f"guess{number}", "x", address="10.0.3.3")
    assert attempt("curator", PASSWORD, address="10.0.3.3").status_code == 429
    assert attempt("curator", PASSWORD, address="10.0.3.4").status_code == 302  # another address logs in


@pytest.mark.postgres
@pytest.mark.django_db
def test_behind_the_alb_the_address_is_the_one_the_alb_appended(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.PANELAPP_BEHIND_ALB = True
    make_user("curator", "GEL")
    for number in range(3):  # a new made-up address each time: only the ALB's entry counts
        attempt(f"guess{number}", "x", address="10.1.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.7")
    assert attempt("curator", PASSWORD, address="10.1.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_success_resets_the_accounts_count(settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("reviewer", "REVIEWER")
    attempt("reviewer", "wrong", address="10.2.0.1")
    attempt("reviewer", "wrong", address="10.2.0.2")
    assert attempt("reviewer", PASSWORD, address="10.2.0.3").status_code == 302
    attempt("reviewer", "wrong", address="10.2.0.4")
    attempt("reviewer", "wrong", address="10.2.0.5")
    assert attempt("reviewer", PASSWORD, address="10.2.0.6").status_code == 302


@pytest.mark.postgres
@pytest.mark.django_db
def test_api_requests_beyond_the_rate_get_429(settings, curator):
    cache.clear()
    settings.API_THROTTLE_ANON_RATE = "5/minute"
    settings.API_THROTTLE_TOKEN_RATE = "8/minute"
    client = Client()
    answers = [client.get("/api/v1/panels/", HTTP_ACCEPT="application/json").status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    throttled = client.get("/WebServices/list_panels/")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert "Request was throttled" in throttled.json()["detail"]
    # A token has its own, larger allowance.
    from rest_framework.authtoken.models import Token

    token = {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=curator)[0].key}"}
    assert [client.get("/api/v1/panels/", **token).status_code for _ in range(8)] == [200] * 8
    assert client.get("/api/v1/panels/", **token).status_code == 429
    cache.clear()


def test_rates_and_lockouts_come_from_the_environment(monkeypatch):
    loaded = load_settings("panelapp.settings.docker-aws", dict(COMPLETE), monkeypatch)
    assert (loaded["API_THROTTLE_ANON_RATE"], loaded["API_THROTTLE_TOKEN_RATE"]) == ("1200/minute", "6000/minute")
    assert (loaded["AXES_FAILURE_LIMIT"], loaded["AXES_COOLOFF_TIME"].total_seconds()) == (10, 900)
    assert loaded["PANELAPP_BEHIND_ALB"] is True
    env = {
        **COMPLETE,
        "API_THROTTLE_ANON_RATE": "off",
        "API_THROTTLE_TOKEN_RATE": "50/second",
        "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_LOCKOUT_MINUTES": "60",
    }
    loaded = load_settings("panelapp.settings.docker-aws", env, monkeypatch)
    assert (loaded["API_THROTTLE_ANON_RATE"], loaded["API_THROTTLE_TOKEN_RATE"]) == (None, "50/second")
    assert (loaded["AXES_FAILURE_LIMIT"], loaded["AXES_COOLOFF_TIME"].total_seconds()) == (3, 3600)
    with pytest.raises(ConfigurationError) as caught:
        load_production({**COMPLETE, "API_THROTTLE_ANON_RATE": "lots", "LOGIN_FAILURE_LIMIT": "0"})
    names = {p.split(" ")[0] for p in caught.value.problems}
    assert names == {"API_THROTTLE_ANON_RATE", "LOGIN_FAILURE_LIMIT"}


@pytest.mark.postgres
@pytest.mark.django_db
def test_anonymous_health_touches_no_dependency(client, settings, monkeypatch, django_assert_num_queries):
    from runtime import health

    settings.HEALTH_CHECK_TOKEN = "health-token-0123456789"
    settings.HEALTH_CHECKS = ["database", "s3", "sqs", "smtp"]
    touched = []
    monkeypatch.setattr(health, "run_checks", lambda: touched.append(1) or health.HealthReport())
    with django_assert_num_queries(0):
        for _ in range(20):
            response = client.get("/health/")
            assert (response.status_code, response.json()) == (200, {"status": "OK"})
        assert client.get("/health/", HTTP_X_HEALTH_TOKEN="wrong").json() == {"status": "OK"}
    assert touched == []
    assert "checks" in client.get("/health/", HTTP_X_HEALTH_TOKEN="health-token-0123456789").json()
    assert touched == [1]


@pytest.mark.postgres
@pytest.mark.django_db
def test_odd_usernames_and_forwarded_addresses_are_counted_not_a_500(settings):
    """Found by the bad-input probes: a 300-character username did not fit the failures table."""
    settings.PANELAPP_BEHIND_ALB = True
    assert attempt("x" * 300, "wrong").status_code == 200
    assert attempt("someone", "wrong", HTTP_X_FORWARDED_FOR="not-an-address").status_code == 200
    assert Client().post("/admin/login/", {"username": "y" * 300, "password": "z"}).status_code == 200
