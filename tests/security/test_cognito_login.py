"""F2/F5: the ALB token is checked as AWS documents (signer, client, iss, exp, a verified email);
F4: with Cognito on, no local password login or registration at all, a break-glass for
superusers, and no account squatting."""

import base64
import json

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Reviewer, User
from tests.domain.conftest import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

OTHER_ALB = "arn:aws:elasticloadbalancing:eu-west-2:999999999999:loadbalancer/app/x/y"


@pytest.fixture
def cognito(settings, alb_keys):
    settings.AWS_USE_COGNITO = True
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "runtime.cognito.middleware.AlbAuthMiddleware"]
    settings.AWS_ELB_PUBLIC_KEY_ENDPOINT = alb_keys.endpoint
    settings.AWS_COGNITO_USER_POOL_CLIENT_ID = alb_keys.client_id
    settings.AWS_ALB_ARNS = (alb_keys.signer,)
    settings.AWS_COGNITO_ISSUER = alb_keys.issuer
    settings.AWS_COGNITO_IDP_LOGOUT_ENDPOINT = "https://pa.auth.eu-west-2.amazoncognito.com/logout"
    return alb_keys


@pytest.fixture
def staff_curator(db):
    return make_user("curator", "GEL", is_staff=True, is_superuser=True)


def profile(client, keys, token):
    return client.get("/accounts/profile/", **keys.headers(token))


@pytest.mark.parametrize(
    "header,claims",
    [
        ({"signer": OTHER_ALB}, {}),
        ({"signer": None}, {}),
        ({"signer": "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/panelapp/other"}, {}),
        ({"client": None}, {}),
        ({"client": "another-client"}, {}),
        ({"iss": "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Other"}, {}),
        ({"iss": None}, {}),
        ({}, {"iss": "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Other"}),
        ({}, {"exp": 1000}),
    ],
)
def test_a_correctly_signed_token_from_elsewhere_logs_nobody_in(client, cognito, staff_curator, header, claims):
    """Signed with the right key (every ALB of the region shares the key endpoint), but not made
    by our load balancer for our user pool and app client: 401, nobody logged in."""
    token = cognito.mint("curator@example.org", header={k: v for k, v in header.items() if v is not None}, **claims)
    removed = [k for k, v in header.items() if v is None]
    if removed:
        head_b64, payload_b64, _ = token.split(".")
        head = json.loads(base64.urlsafe_b64decode(head_b64))
        token = _sign(cognito, {k: v for k, v in head.items() if k not in removed}, payload_b64)
    response = profile(client, cognito, token)
    assert response.status_code == 401
    assert "_auth_user_id" not in client.session


def _sign(keys, header, payload_b64):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    from tests.fixtures.services import alb_b64

    signing_input = f"{alb_b64(json.dumps(header).encode())}.{payload_b64}"
    r, s = decode_dss_signature(keys.private_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{alb_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def test_the_configured_alb_logs_the_curator_in(client, cognito, staff_curator):
    assert profile(client, cognito, cognito.mint("curator@example.org")).status_code == 200
    assert client.session["_auth_user_id"] == str(staff_curator.pk)


def test_a_prefix_of_account_and_region_trusts_that_accounts_albs(client, settings, cognito, staff_curator):
    settings.AWS_ALB_ARNS = ("arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/*",)
    assert profile(client, cognito, cognito.mint("curator@example.org")).status_code == 200
    client.logout()
    assert (
        profile(client, cognito, cognito.mint("curator@example.org", header={"signer": OTHER_ALB})).status_code == 401
    )


@pytest.mark.parametrize("verified", ["false", False, None])
def test_an_unverified_email_opens_no_account_and_creates_none(client, cognito, staff_curator, verified):
    response = profile(client, cognito, cognito.mint("curator@example.org", email_verified=verified))
    assert response.status_code == 403 and "not verified" in response.content.decode()
    response = profile(client, cognito, cognito.mint("newcomer@example.org", email_verified=verified))
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="newcomer@example.org").exists()


@pytest.mark.parametrize(
    "url,method",
    [
        ("/accounts/login/", "get"),
        ("/accounts/login/", "post"),
        ("/accounts/registration/", "get"),
        ("/accounts/registration/", "post"),
        ("/accounts/registration/done/", "get"),
        ("/accounts/password_reset/", "post"),
        ("/accounts/password_reset/done/", "get"),
        ("/accounts/reset/MQ/set-password/", "get"),
        ("/accounts/change_password/", "post"),
        ("/accounts/verify_email/eA/x/", "get"),
        ("/admin/login/", "get"),
        ("/admin/login/", "post"),
    ],
)
def test_local_login_and_registration_are_absent_with_cognito(client, cognito, staff_curator, url, method):
    data = {"username": "curator", "password": "correct horse battery staple"} if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == 404
    assert "_auth_user_id" not in client.session


def test_the_alb_login_path_sends_a_logged_in_user_on(client, cognito, staff_curator):
    response = client.get(
        "/accounts/login/", {"next": "/panels/"}, **cognito.headers(cognito.mint("curator@example.org"))
    )
    assert (response.status_code, response["Location"]) == (302, "/panels/")
    response = client.get("/accounts/login/", {"next": "https://evil.example/"})
    assert (response.status_code, response["Location"]) == (302, "/")


def test_break_glass_lets_only_superusers_log_in_at_the_admin(client, settings, cognito, staff_curator):
    settings.AWS_COGNITO_BREAK_GLASS = True
    make_user("helper", "GEL", is_staff=True)
    refused = client.post("/admin/login/", {"username": "helper", "password": "correct horse battery staple"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "curator", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_curator.pk)
    assert client.get("/accounts/login/").status_code == 302  # the password login stays off


def test_an_address_registered_by_someone_else_is_taken_over_by_its_verified_owner(client, cognito):
    """Squatting: an attacker registered the victim's address before Cognito (or before the
    victim); the victim's verified Cognito login takes the account, and the attacker's password dies."""
    squatted = get_user_model().objects.create_user(
        "attacker", "victim@example.org", "attackers-password", is_active=False
    )
    response = profile(client, cognito, cognito.mint("victim@example.org"))
    assert response.status_code == 200
    squatted.refresh_from_db()
    assert squatted.is_active and not squatted.has_usable_password()
    assert not squatted.check_password("attackers-password")
    assert squatted.reviewer.user_type == Reviewer.Types.EXTERNAL  # a curator still has to approve them


def test_an_account_disabled_after_use_stays_disabled(client, cognito):
    from django.utils import timezone

    user = make_user("former", "REVIEWER")
    user.is_active, user.last_login = False, timezone.now()
    user.save()
    assert profile(client, cognito, cognito.mint("former@example.org")).status_code == 403
