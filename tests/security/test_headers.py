"""F9: production headers: HSTS (configurable), the https redirect the ALB's X-Forwarded-Proto
asks for, a Content-Security-Policy, and `check --deploy` clean under docker-aws."""

import secrets
import subprocess

import pytest
from django.test import override_settings

from runtime.environment import ConfigurationError, load_production
from tests.fixtures.services import VENV_BIN
from tests.runtime.conftest import command_env
from tests.runtime.settings_loader import load_settings
from tests.runtime.test_environment import COMPLETE

PRODUCTION = {
    **COMPLETE,
    "DJANGO_SETTINGS_MODULE": "panelapp.settings.docker-aws",
    "SECRET_KEY": secrets.token_urlsafe(50),
}


def test_check_deploy_is_clean_with_a_complete_production_environment():
    done = subprocess.run(
        [str(VENV_BIN / "panelapp-manage"), "check", "--deploy", "--fail-level", "WARNING"],
        env=command_env(PRODUCTION),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_hsts_and_the_redirect_come_from_the_environment(monkeypatch):
    loaded = load_settings("panelapp.settings.docker-aws", dict(PRODUCTION), monkeypatch)
    assert (loaded["SECURE_HSTS_SECONDS"], loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"], loaded["SECURE_HSTS_PRELOAD"]) == (
        31536000,
        False,
        False,
    )
    assert loaded["PANELAPP_SSL_REDIRECT"] is True
    assert "https://static.example.org" in loaded["CONTENT_SECURITY_POLICY"]
    env = {
        **PRODUCTION,
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    }
    loaded = load_settings("panelapp.settings.docker-aws", env, monkeypatch)
    assert (
        loaded["SECURE_HSTS_SECONDS"],
        loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"],
        loaded["PANELAPP_SSL_REDIRECT"],
    ) == (0, True, False)
    with pytest.raises(ConfigurationError) as caught:
        load_production({**COMPLETE, "SECURE_HSTS_PRELOAD": "true"})
    assert any(p.startswith("SECURE_HSTS_PRELOAD needs") for p in caught.value.problems)


PRODUCTION_LIKE = {
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_HSTS_SECONDS": 31536000,
    "PANELAPP_SSL_REDIRECT": True,
}


@pytest.mark.postgres
@pytest.mark.django_db
def test_responses_behind_the_alb(client, settings):
    from django.conf import settings as live

    middleware = list(live.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.middleware.security.SecurityMiddleware"),
        "runtime.security.ForwardedHttpsRedirectMiddleware",
    )
    with override_settings(MIDDLEWARE=middleware, **PRODUCTION_LIKE):
        plain = client.get("/panels/?search=x", HTTP_X_FORWARDED_PROTO="http")
        assert (plain.status_code, plain["Location"]) == (301, "https://testserver/panels/?search=x")
        secure = client.get("/panels/", HTTP_X_FORWARDED_PROTO="https")
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"] == "max-age=31536000"
        policy = secure["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        # Not from the ALB (probes, in-cluster callers): served as it comes, without HSTS.
        direct = client.get("/panels/")
        assert direct.status_code == 200 and "Strict-Transport-Security" not in direct
        assert client.get("/version/", HTTP_X_FORWARDED_PROTO="http").status_code == 200
