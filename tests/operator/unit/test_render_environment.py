"""The environment contract: every variable can be set, secrets only by reference, special forms."""

from __future__ import annotations

import pytest

from panelapp_operator import names, validation
from panelapp_operator.render import env, jobs

# The app's machine-readable contract (app/runtime/contract.py, standard library only).
from runtime import contract
from tests.operator import samples
from tests.operator.unit.render_helpers import children, container, env_of, render_input

EVERYTHING = samples.minimal_spec(
    logLevel="DEBUG",
    aws={
        "region": "eu-west-2",
        "accessKeyIDSecretRef": {"name": "aws", "key": "id"},
        "secretAccessKeySecretRef": {"name": "aws", "key": "secret"},
    },
    storage={
        "staticBucket": "s-bucket",
        "mediaBucket": "m-bucket",
        "staticDomain": "static.example.org",
        "mediaDomain": "media.example.org",
        "staticLocation": "assets",
        "mediaLocation": "uploads",
    },
    queue={
        "name": "panelapp-prod",
        "visibilityTimeoutSeconds": 720,
        "brokerURLSecretRef": {"name": "broker", "key": "url"},
    },
    email={
        "host": "smtp.example.org",
        "port": 2587,
        "useTLS": False,
        "fromAddress": "from@example.org",
        "panelappAddress": "team@example.org",
        "userSecretRef": {"name": "smtp", "key": "user"},
        "passwordSecretRef": {"name": "smtp", "key": "password"},
    },
    django={
        "secretKeySecretRef": {"name": "django", "key": "key"},
        "adminURLSecretRef": {"name": "django", "key": "admin"},
    },
    cognito={
        "enabled": True,
        "domainPrefix": "panelapp",
        "userPoolClientID": "client123",
        "userPoolARN": "arn:aws:cognito-idp:eu-west-2:123456789012:userpool/eu-west-2_Pool1",
        "albARNs": ["arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/pa/0123456789abcdef"],
        "hostedAuthBase": "https://panelapp.auth.eu-west-2.amazoncognito.com/",
        "idpLogoutEndpoint": "https://panelapp.auth.eu-west-2.amazoncognito.com/logout",
        "elbSessionCookiePrefix": "Cookie",
        "elbPublicKeyEndpoint": "https://keys.example.org/",
        "jwtSections": 3,
        "jwtSignatureAlgorithm": "ES256",
        "oidcAccessTokenHeader": "HTTP_A",
        "oidcIdentityHeader": "HTTP_B",
        "oidcDataHeader": "HTTP_C",
    },
    web={
        "gunicorn": {
            "workers": 3,
            "threads": 2,
            "timeout": 120,
            "gracefulTimeout": 20,
            "keepalive": 75,
            "extra": {"max_requests": "1000", "backlog": "2048"},
        }
    },
)
URL_DATABASE = {"urlSecretRef": {"name": "db", "key": "url"}}
SECRET_PARTS_DATABASE = {
    "hostSecretRef": {"name": "rds", "key": "host"},
    "portSecretRef": {"name": "rds", "key": "port"},
    "nameSecretRef": {"name": "rds", "key": "dbname"},
    "userSecretRef": {"name": "rds", "key": "username"},
    "passwordSecretRef": {"name": "rds", "key": "password"},
}


def _all_rendered_names(spec):
    rendered = children(spec)
    config = rendered[("ConfigMap", "panelapp-config")]["data"]
    names_found = set(config)
    for obj in rendered.values():
        if obj["kind"] == "Deployment":
            names_found |= set(env_of(obj))
    return names_found


@pytest.mark.parametrize("database", [None, URL_DATABASE, SECRET_PARTS_DATABASE], ids=["parts", "url", "secret-parts"])
def test_every_rendered_variable_is_one_the_app_reads(database):
    spec = EVERYTHING if database is None else {**EVERYTHING, "database": database}
    unknown = sorted(name for name in _all_rendered_names(spec) if not contract.reads(name))
    assert unknown == []


def test_every_variable_of_the_environment_document_can_be_set():
    documented = {
        # mandatory, non-secret
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
        # mandatory, secret
        "DATABASE_HOST",
        "DATABASE_PORT",
        "DATABASE_NAME",
        "DATABASE_USER",
        "DATABASE_PASSWORD",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "SECRET_KEY",
        # optional
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
        # Cognito
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
        # gunicorn
        "GUNICORN_WORKERS",
        "GUNICORN_TIMEOUT",
    }
    settable = _all_rendered_names(EVERYTHING) | _all_rendered_names({**EVERYTHING, "database": URL_DATABASE})
    assert documented - settable == set()


def test_values_take_the_form_the_app_needs():
    spec = samples.minimal_spec(allowedHosts=["panelapp.example.org", ".internal.example.org"])
    data = children(spec)[("ConfigMap", "panelapp-config")]["data"]
    assert data["ALLOWED_HOSTS"] == "panelapp.example.org;.internal.example.org"
    assert data["DATABASE_PORT"] == "5432"  # always set, even when not given
    assert data["DATABASE_NAME"] == "panelapp"
    assert data["EMAIL_USE_TLS"] == "True" and data["AWS_USE_COGNITO"] == "False"
    assert data["AWS_MEDIAFILES_LOCATION"] == "media"  # explicit: docs and code disagree on the default
    assert data["SQS_QUEUE_VISIBILITY_TIMEOUT"] == "360"


def test_secret_values_are_only_references():
    rendered = children({**EVERYTHING, "database": SECRET_PARTS_DATABASE})
    data = rendered[("ConfigMap", "panelapp-config")]["data"]
    assert set(data) & contract.secret_names() == set()
    web_env = env_of(rendered[("Deployment", "panelapp-web")])
    for name in contract.secret_names() & set(web_env):
        assert set(web_env[name]) == {"name", "valueFrom"}, name
        assert "secretKeyRef" in web_env[name]["valueFrom"], name
    assert web_env["CELERY_BROKER_URL"]["valueFrom"]["secretKeyRef"] == {"name": "broker", "key": "url"}


def test_plain_database_parts_are_the_only_contract_secrets_in_the_config_map():
    """The contract counts DATABASE_HOST/PORT/NAME/USER as secrets; they reach the ConfigMap only when
    the resource itself spells them out as plain values."""
    data = children(samples.minimal_spec())[("ConfigMap", "panelapp-config")]["data"]
    assert set(data) & contract.secret_names() == {"DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "DATABASE_USER"}
    data = children(samples.minimal_spec(database=SECRET_PARTS_DATABASE))[("ConfigMap", "panelapp-config")]["data"]
    assert set(data) & contract.secret_names() == set()


def test_generated_secret_key_is_used_when_none_is_referenced():
    web_env = env_of(children()[("Deployment", "panelapp-web")])
    assert web_env["SECRET_KEY"]["valueFrom"]["secretKeyRef"] == {
        "name": "panelapp-secret-key",
        "key": names.GENERATED_SECRET_KEY_KEY,
    }


def test_database_url_mode_renders_no_parts():
    rendered = children(samples.minimal_spec(database=URL_DATABASE))
    data = rendered[("ConfigMap", "panelapp-config")]["data"]
    assert not {k for k in data if k.startswith("DATABASE_")}
    assert "DATABASE_URL" in env_of(rendered[("Deployment", "panelapp-web")])


def test_gunicorn_settings_reach_web_only():
    rendered = children(EVERYTHING)
    web_env = env_of(rendered[("Deployment", "panelapp-web")])
    assert {k: v["value"] for k, v in web_env.items() if k.startswith("GUNICORN_")} == {
        "GUNICORN_WORKERS": "3",
        "GUNICORN_THREADS": "2",
        "GUNICORN_TIMEOUT": "120",
        "GUNICORN_GRACEFUL_TIMEOUT": "20",
        "GUNICORN_KEEPALIVE": "75",
        "GUNICORN_BACKLOG": "2048",
        "GUNICORN_MAX_REQUESTS": "1000",
    }
    assert not [k for k in env_of(rendered[("Deployment", "panelapp-worker")]) if k.startswith("GUNICORN_")]


def test_extra_env_and_env_from_pass_through_and_override():
    spec = samples.minimal_spec(
        env=[
            {"name": "DJANGO_LOG_LEVEL", "value": "WARNING"},
            {"name": "OMIM_API_KEY", "valueFrom": {"secretKeyRef": {"name": "omim", "key": "key"}}},
            {"name": "SECRET_KEY", "valueFrom": {"secretKeyRef": {"name": "mine", "key": "k"}}},
        ],
        envFrom=[
            {"configMapRef": {"name": "extra-settings"}},
            {"secretRef": {"name": "extra-secrets"}, "prefix": "X_"},
        ],
    )
    deployment = children(spec)[("Deployment", "panelapp-worker")]
    variables = container(deployment)["env"]
    assert [v["name"] for v in variables].count("SECRET_KEY") == 1  # unique: server-side apply merges by name
    by_name = {v["name"]: v for v in variables}
    assert by_name["SECRET_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "mine"
    assert by_name["DJANGO_LOG_LEVEL"] == {"name": "DJANGO_LOG_LEVEL", "value": "WARNING"}
    assert by_name["OMIM_API_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "omim", "key": "key"}
    assert container(deployment)["envFrom"] == [
        {"configMapRef": {"name": "panelapp-config"}},
        {"configMapRef": {"name": "extra-settings"}},
        {"prefix": "X_", "secretRef": {"name": "extra-secrets"}},
    ]


def test_references_name_their_spec_fields():
    spec = validation.parse_spec(
        samples.minimal_spec(
            env=[{"name": "A", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k", "optional": True}}}],
            envFrom=[{"configMapRef": {"name": "cm"}}],
        )
    )
    found = {(ref.field, ref.kind, ref.name, ref.key, ref.optional) for ref in env.all_references(spec)}
    assert found == {
        ("spec.database.passwordSecretRef", "Secret", "panelapp-database", "password", False),
        ("spec.env[0].valueFrom.secretKeyRef", "Secret", "s", "k", True),
        ("spec.envFrom[0].configMapRef", "ConfigMap", "cm", None, False),
    }


def test_jobs_get_the_same_configuration_as_the_deployments():
    inp = render_input()
    job = jobs.render_migration_job(inp, samples.NEXT_IMAGE, "abcd1234")
    web = children()[("Deployment", "panelapp-worker")]
    assert container(job)["envFrom"] == container(web)["envFrom"]
    assert container(job)["env"] == container(web)["env"]
    assert container(job)["image"] == samples.NEXT_IMAGE


def test_every_command_exists_in_the_image():
    inp = render_input()
    rendered = children()
    commands = [container(rendered[("Deployment", f"panelapp-{c}")])["command"] for c in ("web", "worker", "beat")]
    commands += [
        container(jobs.render_migration_job(inp, samples.IMAGE, "k"))["command"],
        container(jobs.render_collectstatic_job(inp, samples.IMAGE, "k"))["command"],
    ]
    for command in commands:
        entry = contract.command(command[0])
        assert len(command) == 1 or entry.accepts_arguments, command
