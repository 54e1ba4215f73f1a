"""runtime.contract is the image's contract in data: complete, true to the code, importable by
the operator without the app's dependencies, and the same as docs/configuration.md."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from runtime import contract, contract_docs

REPO = Path(__file__).resolve().parents[2]
APP_SOURCES = [
    p
    for package in ("panelapp", "runtime", "mirror")
    for p in (REPO / "app" / package).rglob("*.py")
    if p.name not in ("contract.py", "contract_docs.py")
]


def test_the_contract_imports_nothing_outside_the_standard_library():
    code = (
        "import sys; before = set(sys.modules); import runtime.contract, runtime.environment; "
        "new = sorted(m.split('.')[0] for m in set(sys.modules) - before); print(' '.join(new))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO / "app"), "PATH": "/usr/bin:/bin"},
    ).stdout.split()
    third_party = set(loaded) - set(sys.stdlib_module_names) - {"runtime"}
    assert not third_party, f"runtime.contract pulls in {sorted(third_party)}"


def test_every_variable_of_the_published_contract_is_in_it():
    published = {
        "AWS_S3_STATICFILES_BUCKET_NAME",
        "AWS_S3_MEDIAFILES_BUCKET_NAME",
        "AWS_REGION",
        "AWS_S3_STATICFILES_CUSTOM_DOMAIN",
        "AWS_S3_MEDIAFILES_CUSTOM_DOMAIN",
        "ALLOWED_HOSTS",
        "DEFAULT_FROM_EMAIL",
        "PANEL_APP_EMAIL",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "PANEL_APP_BASE_URL",
        "DATABASE_HOST",
        "DATABASE_PORT",
        "DATABASE_NAME",
        "DATABASE_USER",
        "DATABASE_PASSWORD",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "SECRET_KEY",
        "DJANGO_LOG_LEVEL",
        "EMAIL_USE_TLS",
        "SQS_QUEUE_VISIBILITY_TIMEOUT",
        "TASK_QUEUE_NAME",
        "AWS_STATICFILES_LOCATION",
        "AWS_MEDIAFILES_LOCATION",
        "DATABASE_URL",
        "DJANGO_ADMIN_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "CELERY_BROKER_URL",
        "AWS_USE_COGNITO",
        "AWS_COGNITO_DOMAIN_PREFIX",
        "AWS_COGNITO_USER_POOL_CLIENT_ID",
        "AWS_COGNITO_HOSTED_AUTH_BASE",
        "AWS_COGNITO_IDP_LOGOUT_ENDPOINT",
        "AWS_ELB_SESSION_COOKIE_PREFIX",
        "AWS_ELB_PUBLIC_KEY_ENDPOINT",
        "AWS_JWT_SECTIONS",
        "AWS_JWT_SIGNATURE_ALGORITHM",
        "AWS_AMZN_OIDC_ACCESS_TOKEN",
        "AWS_AMZN_OIDC_IDENTITY",
        "AWS_AMZN_OIDC_DATA",
        "GUNICORN_WORKERS",
        "GUNICORN_TIMEOUT",
    }
    assert published <= {v.name for v in contract.VARIABLES}
    secrets = {
        "DATABASE_HOST",
        "DATABASE_PORT",
        "DATABASE_NAME",
        "DATABASE_USER",
        "DATABASE_PASSWORD",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "SECRET_KEY",
        "DATABASE_URL",
        "DJANGO_ADMIN_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "CELERY_BROKER_URL",
    }
    assert secrets <= contract.secret_names()


def test_every_variable_in_the_contract_is_read_by_the_code():
    source = "\n".join(path.read_text() for path in APP_SOURCES)
    unread = [
        v.name
        for v in contract.VARIABLES
        if f'"{v.name}"' not in source
        and not v.name.startswith(contract.GUNICORN_PREFIX)
        and v.name != "DJANGO_SETTINGS_MODULE"
    ]
    assert not unread, f"in the contract but read nowhere: {unread}"


def test_the_code_reads_no_variable_outside_the_contract():
    read = set()
    for path in APP_SOURCES:
        text = path.read_text()
        read |= set(re.findall(r'environ(?:\.get)?\(\s*"([A-Z][A-Z0-9_]+)"', text))
        read |= set(re.findall(r'environ\["([A-Z][A-Z0-9_]+)"\]', text))
        read |= set(re.findall(r'reader\.\w+\("([A-Z][A-Z0-9_]+)"', text))
        read |= set(re.findall(r'_reader\.\w+\("([A-Z][A-Z0-9_]+)"', text))
    assert read, "the scan found the reads"
    assert {name for name in read if not contract.reads(name)} == set()


def test_reads_covers_gunicorn_settings_and_the_sdk():
    assert contract.reads("GUNICORN_GRACEFUL_TIMEOUT")
    assert contract.reads("AWS_ENDPOINT_URL") and contract.reads("AWS_ROLE_ARN")
    assert not contract.reads("GUNICORN_") and not contract.reads("DATABSE_URL")


def test_defaults_match_the_published_contract():
    defaults = {v.name: v.default for v in contract.VARIABLES}
    assert defaults["DATABASE_PORT"] == "5432"
    assert defaults["DATABASE_NAME"] == "panelapp"
    assert defaults["TASK_QUEUE_NAME"] == "panelapp"
    assert defaults["SQS_QUEUE_VISIBILITY_TIMEOUT"] == "360"
    assert defaults["DJANGO_LOG_LEVEL"] == "INFO"
    assert (defaults["AWS_STATICFILES_LOCATION"], defaults["AWS_MEDIAFILES_LOCATION"]) == ("static", "media")
    assert (defaults["GUNICORN_WORKERS"], defaults["GUNICORN_TIMEOUT"], defaults["GUNICORN_BIND"]) == (
        "8",
        "300",
        "0.0.0.0:8080",
    )
    assert defaults["AWS_ELB_SESSION_COOKIE_PREFIX"] == "AWSELBAuthSessionCookie"
    assert (defaults["AWS_JWT_SECTIONS"], defaults["AWS_JWT_SIGNATURE_ALGORITHM"]) == ("3", "ES256")
    assert defaults["CELERY_BROKER_URL"] == "sqs://"


def test_gunicorn_defaults_are_the_contract_defaults():
    from runtime.gunicorn_settings import DEFAULTS

    for name, value in DEFAULTS.items():
        variable = f"GUNICORN_{name.upper()}"
        if variable in {v.name for v in contract.VARIABLES}:
            assert contract.variable(variable).default == value


def test_every_command_is_installed_as_a_console_script():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    for command in contract.COMMANDS:
        assert command.name in scripts, command.name
        module, function = scripts[command.name].split(":")
        assert module == "runtime.commands"
        import runtime.commands

        assert callable(getattr(runtime.commands, function))
        assert (Path(sys.executable).parent / command.name).exists(), f"run uv sync: {command.name} missing"


def test_the_configuration_reference_is_generated_from_the_contract():
    document = (REPO / "docs" / "configuration.md").read_text()
    assert contract_docs.rewrite(document) == document, (
        "docs/configuration.md is stale: run `.venv/bin/python -m runtime.contract_docs docs/configuration.md`"
    )
    for variable in contract.VARIABLES + contract.SDK_VARIABLES:
        assert f"`{variable.name}`" in document


@pytest.mark.parametrize(
    "name",
    ["panelapp.settings.docker-aws", "panelapp.settings.local", "panelapp.settings.test", "panelapp.settings.base"],
)
def test_settings_modules_exist(name):
    import importlib.util

    assert importlib.util.find_spec(name) is not None
