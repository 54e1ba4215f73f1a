"""Login through the ALB's Cognito headers (AWS_USE_COGNITO): real ES256 tokens in the ALB's padded
format, verified against a key served by a local HTTP server like the ALB's key endpoint."""

import base64
import json
import logging

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth import get_user_model

from runtime.cognito.middleware import cognito_user_created

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

LOGOUT_ENDPOINT = "https://panelapp-test.auth.eu-west-2.amazoncognito.com/logout?&client_id=test-client-id"


@pytest.fixture
def cognito(settings, alb_keys):
    settings.AWS_USE_COGNITO = True
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "runtime.cognito.middleware.AlbAuthMiddleware"]
    settings.AWS_ELB_PUBLIC_KEY_ENDPOINT = alb_keys.endpoint
    settings.AWS_COGNITO_USER_POOL_CLIENT_ID = alb_keys.client_id
    settings.AWS_ALB_ARNS = (alb_keys.signer,)
    settings.AWS_COGNITO_ISSUER = alb_keys.issuer
    settings.AWS_COGNITO_IDP_LOGOUT_ENDPOINT = LOGOUT_ENDPOINT
    return alb_keys


def login_page(client, token, keys, **extra):
    # Any page: the middleware logs in before the view (the admin's login page is absent with Cognito).
    return client.get("/panels/", **keys.headers(token), **extra)


def test_a_valid_token_logs_the_user_in_and_creates_them_once(client, cognito):
    created = []
    cognito_user_created.connect(
        lambda sender, user, **kw: created.append(user.email), weak=False, dispatch_uid="test-created"
    )
    try:
        response = login_page(
            client, cognito.mint("Curator@Example.org", given_name="Ada", family_name="Lovelace"), cognito
        )
        assert response.status_code == 200
        assert "Ada Lovelace" in response.content.decode()  # the account menu names the user
        response = login_page(client, cognito.mint("Curator@Example.org"), cognito)
        assert response.status_code == 200
        other_browser = client.__class__()
        assert login_page(other_browser, cognito.mint("curator@example.org"), cognito).status_code == 200
    finally:
        cognito_user_created.disconnect(dispatch_uid="test-created")
    user = get_user_model().objects.get()
    assert (user.email, user.username, user.first_name, user.last_name) == (
        "Curator@example.org",
        "Curator@Example.org",
        "Ada",
        "Lovelace",
    )  # domain part normalised
    assert not user.has_usable_password()
    assert created == ["Curator@example.org"]


def test_keys_are_fetched_once_per_key_id(client, cognito):
    before = cognito.requests.count(f"/{cognito.kid}")
    for number in range(5):
        assert login_page(client, cognito.mint(f"user{number}@example.org"), cognito).status_code == 200
    assert cognito.requests.count(f"/{cognito.kid}") - before <= 1
    assert get_user_model().objects.count() == 5


def test_a_new_identity_replaces_the_previous_session_user(client, cognito):
    login_page(client, cognito.mint("first@example.org"), cognito)
    response = login_page(client, cognito.mint("second@example.org"), cognito)
    assert "second@example.org" in response.content.decode()
    assert int(client.session["_auth_user_id"]) == get_user_model().objects.get(email="second@example.org").pk


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def forged_tokens(keys):
    valid = keys.mint("victim@example.org")
    header, payload, signature = valid.split(".")
    other_key = ec.generate_private_key(ec.SECP256R1())
    tampered_payload = b64(json.dumps({"email": "admin@example.org", "exp": 9999999999}).encode())
    none_header = b64(json.dumps({"alg": "none", "kid": keys.kid, "typ": "JWT"}).encode())
    import hashlib
    import hmac

    hs_header = b64(json.dumps({"alg": "HS256", "kid": keys.kid}).encode())
    hs_signing_input = f"{hs_header}.{payload}"
    hs_signature = b64(hmac.new(keys.public_pem, hs_signing_input.encode(), hashlib.sha256).digest())
    return {
        "signed by another key": keys.mint("victim@example.org", key=other_key),
        "tampered payload": f"{header}.{tampered_payload}.{signature}",
        "expired": keys.mint("victim@example.org", expires_in=-30),
        "alg none": f"{none_header}.{payload}.",
        "hmac with the public key": f"{hs_signing_input}.{hs_signature}",
        "two sections": f"{header}.{payload}",
        "not base64": "!!!.@@@.###",
        "not json": f"{b64(b'not json')}.{payload}.{signature}",
        "empty": "",
        "unknown key id": keys.mint("victim@example.org", header={"kid": "00000000-0000-0000-0000-000000000000"}),
        "key id with a path": keys.mint("victim@example.org", header={"kid": "../../etc/passwd"}),
        "stripped padding": ".".join(part.rstrip("=") for part in valid.split(".")),
        "no email": keys.mint("victim@example.org", email=None),
        "another client": keys.mint("victim@example.org", header={"client": "someone-else"}),
        "expired header": keys.mint("victim@example.org", header={"exp": 1000}),
    }


def test_every_kind_of_bad_token_is_refused_without_login_or_500(client, cognito, caplog):
    caplog.set_level(logging.WARNING, logger="panelapp.cognito")
    for kind, token in forged_tokens(cognito).items():
        caplog.clear()
        response = login_page(client, token, cognito)
        assert response.status_code == 401, kind
        assert "_auth_user_id" not in client.session, kind
        assert any("refused ALB token" in record.getMessage() for record in caplog.records), kind
        assert all(token not in record.getMessage() or not token for record in caplog.records), kind
    assert get_user_model().objects.count() == 0


def test_a_refused_token_does_not_keep_an_existing_session(client, cognito):
    login_page(client, cognito.mint("someone@example.org"), cognito)
    forged = cognito.mint("someone@example.org", key=ec.generate_private_key(ec.SECP256R1()))
    assert login_page(client, forged, cognito).status_code == 401


def test_requests_without_the_alb_headers_are_left_alone(client, cognito):
    assert client.get("/panels/").status_code == 200
    assert get_user_model().objects.count() == 0


def test_disabled_users_are_refused(client, cognito):
    get_user_model().objects.create_user(username="gone", email="gone@example.org", is_active=False)
    assert login_page(client, cognito.mint("gone@example.org"), cognito).status_code == 403
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_alb_session_at_cognito(client, cognito):
    token = cognito.mint("leaving@example.org")
    client.cookies["AWSELBAuthSessionCookie-0"] = "shard0"
    client.cookies["AWSELBAuthSessionCookie-1"] = "shard1"
    login_page(client, token, cognito)
    response = client.post("/cognito/logout/", **cognito.headers(token))
    assert response.status_code == 302
    assert response["Location"] == LOGOUT_ENDPOINT
    for name in ("AWSELBAuthSessionCookie-0", "AWSELBAuthSessionCookie-1"):
        assert response.cookies[name]["max-age"] == 0
        assert response.cookies[name].value == ""
    assert "_auth_user_id" not in client.session


def test_any_logout_view_also_ends_the_alb_session(client, cognito):
    # The admin's logout view serves staff only.
    get_user_model().objects.create_user(username="curator", email="admin-leaving@example.org", is_staff=True)
    token = cognito.mint("admin-leaving@example.org")
    client.cookies["AWSELBAuthSessionCookie-0"] = "shard0"
    login_page(client, token, cognito)
    response = client.post("/admin/logout/", **cognito.headers(token))
    assert response.status_code == 302
    assert response["Location"] == LOGOUT_ENDPOINT
    assert response.cookies["AWSELBAuthSessionCookie-0"]["max-age"] == 0


def test_the_logout_route_is_absent_without_cognito(client):
    assert client.post("/cognito/logout/").status_code == 404


def test_docker_aws_installs_the_middleware_only_with_cognito(production_like_env, monkeypatch):
    from .settings_loader import load_settings

    plain = load_settings("panelapp.settings.docker-aws", production_like_env, monkeypatch)
    assert "runtime.cognito.middleware.AlbAuthMiddleware" not in plain["MIDDLEWARE"]
    env = {
        **production_like_env,
        "AWS_USE_COGNITO": "True",
        "AWS_COGNITO_DOMAIN_PREFIX": "pa",
        "AWS_COGNITO_USER_POOL_CLIENT_ID": "cid",
        "AWS_COGNITO_USER_POOL_ID": "eu-west-2_Pool1",
        "AWS_ALB_ARNS": "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/pa/0123456789abcdef",
    }
    with_cognito = load_settings("panelapp.settings.docker-aws", env, monkeypatch)
    middleware = with_cognito["MIDDLEWARE"]
    assert middleware[-1] == "runtime.cognito.middleware.AlbAuthMiddleware"
    assert middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") < len(middleware) - 1
    assert with_cognito["AWS_USE_COGNITO"] is True
    assert with_cognito["LOGOUT_REDIRECT_URL"] == "home"
    assert with_cognito["AWS_ELB_PUBLIC_KEY_ENDPOINT"] == "https://public-keys.auth.elb.eu-west-2.amazonaws.com/"


@pytest.fixture
def production_like_env():
    from .test_environment import COMPLETE

    return dict(COMPLETE)
