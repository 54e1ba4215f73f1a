"""Start-up of the image's commands under panelapp.settings.docker-aws: a complete environment
starts; an incomplete one stops at once with one error naming every problem."""

import json

import pytest

from runtime import contract

from .conftest import PRODUCTION, command_env, run_command

pytestmark = pytest.mark.postgres


def test_check_passes_with_a_complete_environment(production_env):
    checked = run_command("panelapp-check", env=production_env)
    assert checked.returncode == 0, checked.stderr
    assert "System check identified no issues" in checked.stdout


def configuration_error(completed) -> dict:
    assert completed.returncode == 2, completed.stdout + completed.stderr
    [line] = [line for line in completed.stderr.splitlines() if line.strip()]
    return json.loads(line)


@pytest.mark.parametrize("command", ["panelapp-web", "panelapp-worker", "panelapp-migrate", "panelapp-check"])
def test_an_empty_environment_names_every_mandatory_variable(command):
    env = command_env({"DJANGO_SETTINGS_MODULE": PRODUCTION})
    error = configuration_error(run_command(command, env=env, timeout=60))
    mandatory = [
        v.name
        for v in contract.VARIABLES
        if v.need in ("required", "required-without-DATABASE_URL") and v.default is None
    ]
    for name in mandatory:
        assert any(problem.startswith(f"{name} is missing") for problem in error["problems"]), name
    assert error["level"] == "CRITICAL"
    assert "docker-aws" in error["message"]


def test_malformed_values_are_named_and_secrets_are_not_echoed(production_env):
    env = {
        **production_env,
        "EMAIL_USE_TLS": "sometimes",
        "EMAIL_PORT": "twenty-five",
        "ALLOWED_HOSTS": "a.example.org,b.example.org",
        "AWS_S3_STATICFILES_CUSTOM_DOMAIN": "https://cdn.example.org/",
        "DATABASE_URL": "mysql://user:Sup3r-Secret-Pw@db/panelapp",
        "GUNICORN_WORKER": "3",
        "AWS_USE_COGNITO": "true",
    }
    completed = run_command("panelapp-check", env=env)
    error = configuration_error(completed)
    text = "\n".join(error["problems"])
    for name in (
        "EMAIL_USE_TLS",
        "EMAIL_PORT",
        "ALLOWED_HOSTS",
        "AWS_S3_STATICFILES_CUSTOM_DOMAIN",
        "DATABASE_URL",
        "AWS_COGNITO_DOMAIN_PREFIX",
        "AWS_COGNITO_USER_POOL_CLIENT_ID",
    ):
        assert name in text, name
    assert "GUNICORN_WORKER is not a gunicorn setting (did you mean GUNICORN_WORKERS?)" in text
    assert "'sometimes'" in text  # not a secret: shown to help
    assert "Sup3r-Secret-Pw" not in completed.stderr + completed.stdout


def test_the_web_command_refuses_to_start_before_gunicorn_runs(production_env):
    env = {**production_env}
    del env["SECRET_KEY"]
    completed = run_command("panelapp-web", env=env, timeout=60)
    error = configuration_error(completed)
    assert error["problems"] == ["SECRET_KEY is missing: Secret for signing cookies and tokens."]
    assert "Booting worker" not in completed.stdout + completed.stderr


def test_unknown_gunicorn_setting_stops_the_web_command(production_env):
    completed = run_command("panelapp-web", env={**production_env, "GUNICORN_TIMEOUTS": "30"}, timeout=60)
    error = configuration_error(completed)
    assert error["problems"] == ["GUNICORN_TIMEOUTS is not a gunicorn setting (did you mean GUNICORN_TIMEOUT?)"]


def test_invalid_gunicorn_values_stop_the_web_command(production_env):
    env = {
        **production_env,
        "GUNICORN_WORKERS": "many",
        "GUNICORN_PRELOAD_APP": "perhaps",
        "WEB_WORKER_MAX_MEMORY_MB": "half a gig",
    }
    error = configuration_error(run_command("panelapp-web", env=env, timeout=60))
    assert sorted(error["problems"]) == [
        "GUNICORN_PRELOAD_APP is not a valid preload_app: Invalid boolean: perhaps",
        "GUNICORN_WORKERS is not a valid workers: invalid literal for int() with base 0: 'many'",
        "WEB_WORKER_MAX_MEMORY_MB must be a whole number, got 'half a gig'",
    ]
    checked = configuration_error(
        run_command("panelapp-check", env={**production_env, "WEB_WORKER_MAX_MEMORY_MB": "-1"})
    )
    assert checked["problems"] == ["WEB_WORKER_MAX_MEMORY_MB must be 0 or more, got '-1'"]
