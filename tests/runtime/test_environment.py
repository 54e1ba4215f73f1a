"""runtime.environment: how each variable of the contract is read (no Django, no services)."""

from urllib.parse import unquote, urlsplit

import pytest

from runtime.environment import ConfigurationError, load_production, parse_bool, parse_hosts

COMPLETE = {
    "SECRET_KEY": "k" * 50,
    "ALLOWED_HOSTS": "panelapp.example.org",
    "PANEL_APP_BASE_URL": "https://panelapp.example.org/",
    "DATABASE_HOST": "db.internal",
    "DATABASE_USER": "panelapp",
    "DATABASE_PASSWORD": "p@ss:w/rd%?",
    "EMAIL_HOST": "smtp.internal",
    "EMAIL_PORT": "587",
    "DEFAULT_FROM_EMAIL": "PanelApp <panelapp@example.org>",
    "PANEL_APP_EMAIL": "curators@example.org",
    "AWS_REGION": "eu-west-2",
    "AWS_S3_STATICFILES_BUCKET_NAME": "static-bucket",
    "AWS_S3_STATICFILES_CUSTOM_DOMAIN": "static.example.org",
    "AWS_S3_MEDIAFILES_BUCKET_NAME": "media-bucket",
    "AWS_S3_MEDIAFILES_CUSTOM_DOMAIN": "media.example.org",
}


def problems_of(env):
    with pytest.raises(ConfigurationError) as caught:
        load_production(env)
    return caught.value.problems


@pytest.mark.parametrize(
    "text,expected",
    [
        ("True", True),
        ("true", True),
        ("1", True),
        ("yes", True),
        ("on", True),
        ("False", False),
        ("false", False),
        ("0", False),
        ("no", False),
        ("off", False),
    ],
)
def test_booleans_are_parsed_not_taken_as_non_empty_strings(text, expected):
    assert parse_bool(text) is expected


def test_email_use_tls_false_means_false():
    assert load_production({**COMPLETE, "EMAIL_USE_TLS": "False"}).email.use_tls is False
    assert load_production(COMPLETE).email.use_tls is True


def test_allowed_hosts_are_semicolon_separated():
    assert parse_hosts("a.example.org; b.example.org;;") == ["a.example.org", "b.example.org"]
    assert load_production({**COMPLETE, "ALLOWED_HOSTS": "a.org;b.org"}).site.allowed_hosts == ["a.org", "b.org"]
    assert any("separated by ';'" in p for p in problems_of({**COMPLETE, "ALLOWED_HOSTS": "a.org,b.org"}))


def test_database_parts_default_port_and_name_and_quote_the_password():
    url = load_production(COMPLETE).database.url
    parts = urlsplit(url)
    assert (parts.hostname, parts.port, parts.path) == ("db.internal", 5432, "/panelapp")
    assert unquote(parts.password) == "p@ss:w/rd%?"


def test_database_url_wins_over_the_parts():
    env = {k: v for k, v in COMPLETE.items() if not k.startswith("DATABASE_")}
    env["DATABASE_URL"] = "postgresql://u:pw@db.example.org:6543/pa"
    assert load_production(env).database.url == "postgresql://u:pw@db.example.org:6543/pa"


def test_database_needs_url_or_parts():
    env = {k: v for k, v in COMPLETE.items() if not k.startswith("DATABASE_")}
    problems = problems_of(env)
    assert [p.split(" ")[0] for p in problems] == ["DATABASE_HOST", "DATABASE_USER", "DATABASE_PASSWORD"]


def test_every_missing_variable_is_named_in_one_error():
    problems = problems_of({})
    named = {p.split(" ")[0] for p in problems}
    assert named == {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "PANEL_APP_BASE_URL",
        "DATABASE_HOST",
        "DATABASE_USER",
        "DATABASE_PASSWORD",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "DEFAULT_FROM_EMAIL",
        "PANEL_APP_EMAIL",
        "AWS_REGION",
        "AWS_S3_STATICFILES_BUCKET_NAME",
        "AWS_S3_STATICFILES_CUSTOM_DOMAIN",
        "AWS_S3_MEDIAFILES_BUCKET_NAME",
        "AWS_S3_MEDIAFILES_CUSTOM_DOMAIN",
    }


def test_secret_values_never_appear_in_problems():
    env = {**COMPLETE, "SECRET_KEY": "short-Secret", "DATABASE_PORT": "not-a-port-s3cret"}
    message = str(ConfigurationError(problems_of(env)))
    assert "SECRET_KEY must be at least 32 characters" in message
    assert "DATABASE_PORT must be a whole number" in message
    assert "short-Secret" not in message and "s3cret" not in message


@pytest.mark.parametrize(
    "value,expected", [("admin/", "admin/"), ("/secret-admin", "secret-admin/"), ("ops/admin", "ops/admin/")]
)
def test_admin_url_becomes_a_url_prefix(value, expected):
    assert load_production({**COMPLETE, "DJANGO_ADMIN_URL": value}).site.admin_path == expected


def test_queue_defaults_and_overrides():
    queue = load_production(COMPLETE).queue
    assert (queue.broker_url, queue.queue_name, queue.visibility_timeout, queue.region) == (
        "sqs://",
        "panelapp",
        360,
        "eu-west-2",
    )
    queue = load_production(
        {
            **COMPLETE,
            "TASK_QUEUE_NAME": "pa-prod",
            "SQS_QUEUE_VISIBILITY_TIMEOUT": "900",
            "CELERY_BROKER_URL": "sqs://AKIA:secret@",
        }
    ).queue
    assert (queue.broker_url, queue.queue_name, queue.visibility_timeout) == ("sqs://AKIA:secret@", "pa-prod", 900)
    assert any("CELERY_BROKER_URL" in p for p in problems_of({**COMPLETE, "CELERY_BROKER_URL": "amqp://rabbit"}))


def test_locations_default_to_static_and_media():
    s3 = load_production(COMPLETE).s3
    assert (s3.static_location, s3.media_location) == ("static", "media")
    assert (s3.access_key_id, s3.secret_access_key, s3.endpoint_url) == (None, None, None)


def test_access_keys_come_in_pairs():
    assert any("set together" in p for p in problems_of({**COMPLETE, "AWS_ACCESS_KEY_ID": "AKIA"}))


def test_custom_domains_are_bare_domains():
    problems = problems_of({**COMPLETE, "AWS_S3_STATICFILES_CUSTOM_DOMAIN": "https://cdn.example.org/"})
    assert problems == [
        "AWS_S3_STATICFILES_CUSTOM_DOMAIN must be a bare domain such as cdn.example.org "
        "(no scheme, no path, no trailing /), got 'https://cdn.example.org/'"
    ]


def test_url_protocol_is_https_or_http_only():
    assert load_production(COMPLETE).s3.url_protocol == "https:"
    assert problems_of({**COMPLETE, "AWS_S3_URL_PROTOCOL": "ftp:"}) == [
        "AWS_S3_URL_PROTOCOL must be https: or http:, got 'ftp:'"
    ]


ALB_ARN = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/pa/0123456789abcdef"
#: What Cognito needs besides the domain prefix and client id: the user pool (iss) and the ALBs (signer).
TOKEN_CHECKS = {"AWS_COGNITO_USER_POOL_ID": "eu-west-2_Pool1", "AWS_ALB_ARNS": ALB_ARN}


def test_cognito_is_off_by_default_and_needs_its_ids_when_on():
    assert load_production(COMPLETE).cognito is None
    problems = problems_of({**COMPLETE, "AWS_USE_COGNITO": "TRUE"})
    assert {p.split(" ")[0] for p in problems} == {
        "AWS_COGNITO_DOMAIN_PREFIX",
        "AWS_COGNITO_USER_POOL_CLIENT_ID",
        "AWS_COGNITO_USER_POOL_ID",
        "AWS_ALB_ARNS",
    }


def test_cognito_defaults_follow_panelapp():
    cognito = load_production(
        {
            **COMPLETE,
            "AWS_USE_COGNITO": "true",
            "AWS_COGNITO_DOMAIN_PREFIX": "panelapp-prod",
            "AWS_COGNITO_USER_POOL_CLIENT_ID": "client123",
            **TOKEN_CHECKS,
        }
    ).cognito
    assert cognito.hosted_auth_base == "https://panelapp-prod.auth.eu-west-2.amazoncognito.com/"
    assert cognito.logout_endpoint == (
        "https://panelapp-prod.auth.eu-west-2.amazoncognito.com/logout?&client_id=client123"
        "&logout_uri=https://panelapp.example.org/accounts/logout/&redirect_uri=https://panelapp.example.org"
        "&response_type=code"
    )
    assert cognito.public_key_endpoint == "https://public-keys.auth.elb.eu-west-2.amazonaws.com/"
    assert (cognito.jwt_sections, cognito.jwt_algorithm, cognito.session_cookie_prefix) == (
        3,
        "ES256",
        "AWSELBAuthSessionCookie",
    )
    assert (cognito.access_token_header, cognito.identity_header, cognito.data_header) == (
        "HTTP_X_AMZN_OIDC_ACCESSTOKEN",
        "HTTP_X_AMZN_OIDC_IDENTITY",
        "HTTP_X_AMZN_OIDC_DATA",
    )


def test_cognito_overrides_are_honoured():
    env = {
        **COMPLETE,
        "AWS_USE_COGNITO": "true",
        "AWS_COGNITO_DOMAIN_PREFIX": "p",
        "AWS_COGNITO_USER_POOL_CLIENT_ID": "c",
        "AWS_COGNITO_HOSTED_AUTH_BASE": "https://login.example.org",
        "AWS_ELB_PUBLIC_KEY_ENDPOINT": "http://keys.local",
        "AWS_COGNITO_IDP_LOGOUT_ENDPOINT": "https://login.example.org/bye",
        "AWS_JWT_SECTIONS": "3",
        "AWS_JWT_SIGNATURE_ALGORITHM": "ES384",
        "AWS_ELB_SESSION_COOKIE_PREFIX": "MyCookie",
        "AWS_AMZN_OIDC_DATA": "HTTP_X_DATA",
        "AWS_AMZN_OIDC_IDENTITY": "HTTP_X_ID",
        "AWS_AMZN_OIDC_ACCESS_TOKEN": "HTTP_X_AT",
        **TOKEN_CHECKS,
    }
    cognito = load_production(env).cognito
    assert cognito.hosted_auth_base == "https://login.example.org/"
    assert cognito.public_key_endpoint == "http://keys.local/"
    assert cognito.logout_endpoint == "https://login.example.org/bye"
    assert (cognito.jwt_algorithm, cognito.session_cookie_prefix) == ("ES384", "MyCookie")
    assert (cognito.data_header, cognito.identity_header, cognito.access_token_header) == (
        "HTTP_X_DATA",
        "HTTP_X_ID",
        "HTTP_X_AT",
    )


@pytest.mark.parametrize("algorithm", ["none", "HS256"])
def test_cognito_refuses_algorithms_that_would_accept_forgeries(algorithm):
    env = {
        **COMPLETE,
        "AWS_USE_COGNITO": "true",
        "AWS_COGNITO_DOMAIN_PREFIX": "p",
        "AWS_COGNITO_USER_POOL_CLIENT_ID": "c",
        "AWS_JWT_SIGNATURE_ALGORITHM": algorithm,
        **TOKEN_CHECKS,
    }
    assert any(p.startswith("AWS_JWT_SIGNATURE_ALGORITHM") for p in problems_of(env))


def test_log_level_is_validated():
    assert load_production(COMPLETE).site.log_level == "INFO"
    assert load_production({**COMPLETE, "DJANGO_LOG_LEVEL": "debug"}).site.log_level == "DEBUG"
    assert any(p.startswith("DJANGO_LOG_LEVEL") for p in problems_of({**COMPLETE, "DJANGO_LOG_LEVEL": "LOUD"}))
