"""Registration, email verification, the profile's API token, reviewer approval (reference §2.3)."""

import re

import pytest

from accounts.models import Reviewer, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REGISTRATION = {
    "username": "newbie",
    "first_name": "New",
    "last_name": "Person",
    "email": "newbie@example.org",
    "confirm_email": "newbie@example.org",
    "password1": "a long enough passphrase 42",
    "password2": "a long enough passphrase 42",
    "affiliation": "St Elsewhere",
    "role": "Clinician",
    "workplace": "NHS clinical service",
    "group": "Other NHS organisation",
}


def test_registration_verification_and_reviewer_request(
    client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/registration/", REGISTRATION)
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert not user.is_active and user.reviewer.user_type == "EXTERNAL" and user.reviewer.affiliation == "St Elsewhere"
    welcome, request = sorted(mailoutbox, key=lambda m: m.to)
    assert welcome.to == ["newbie@example.org"]
    assert request.to == [settings.PANEL_APP_EMAIL] and "actions/confirm_reviewer" in request.body
    link = re.search(r"http://testserver(/accounts/verify_email/\S+)", welcome.body).group(1)
    assert client.get("/accounts/verify_email/bmV3Ymll/not-a-token/").status_code == 400
    assert client.get(link).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert client.login(username="newbie", password=REGISTRATION["password1"])


def test_registration_errors_are_shown_next_to_fields(client, curator):
    data = {**REGISTRATION, "email": "new@example.org", "confirm_email": "other@example.org", "password2": "different"}
    page = client.post("/accounts/registration/", data).content.decode()
    assert 'id="id_confirm_email_errors"' in page  # an address taken is not said (tests/security)
    assert 'id="id_password2_errors"' in page
    assert not User.objects.filter(username="newbie").exists()


def test_profile_shows_the_api_token_and_it_authenticates(client, curator):
    client.force_login(curator)
    page = client.get("/accounts/profile/").content.decode()
    assert curator.auth_token.key in page
    client.post("/accounts/profile/token/")
    curator.refresh_from_db()
    new_key = curator.auth_token.key
    assert new_key not in page
    client.logout()
    response = client.get("/api/v1/activities/", HTTP_AUTHORIZATION=f"Token {new_key}")
    assert response.status_code == 200


def test_confirming_a_reviewer_from_the_admin(client, external, mailoutbox, django_capture_on_commit_callbacks):
    admin = User.objects.create_superuser("admin", "admin@example.org", "admin-pass")
    assert admin.reviewer.user_type == Reviewer.Types.GEL  # superusers are curators
    client.force_login(admin)
    url = f"/admin/accounts/user/{external.pk}/actions/confirm_reviewer/"
    # The emailed link shows a confirmation form; the POST confirms (tests/security: CSRF).
    assert "Confirm external as a reviewer" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    external.reviewer.refresh_from_db()
    assert external.reviewer.user_type == Reviewer.Types.REVIEWER
    assert mailoutbox[-1].subject == "You are now a PanelApp reviewer"


def test_every_model_is_in_the_admin(client):
    admin = User.objects.create_superuser("admin", "admin@example.org", "admin-pass")
    client.force_login(admin)
    for path in (
        "panels/genepanel",
        "panels/gene",
        "panels/genepanelentrysnapshot",
        "panels/str",
        "panels/region",
        "panels/historicalsnapshot",
        "panels/activity",
        "panels/evaluation",
        "accounts/user",
        "panels/uploadedpanellist",
    ):
        assert client.get(f"/admin/{path}/").status_code == 200, path


def test_a_first_cognito_login_asks_the_curators_to_approve_the_reviewer(
    mailoutbox, settings, django_capture_on_commit_callbacks
):
    from runtime.cognito.middleware import cognito_user_created

    user = User.objects.create_user("cognito@example.org", "cognito@example.org")
    assert user.reviewer.user_type == "EXTERNAL"
    with django_capture_on_commit_callbacks(execute=True):
        cognito_user_created.send(sender=User, user=user, request=None)
    assert [m.to for m in mailoutbox] == [[settings.PANEL_APP_EMAIL]]
    assert mailoutbox[0].subject == "New reviewer request"


def test_forgotten_password_is_reset_through_the_emailed_link(client, mailoutbox):
    user = User.objects.create_user("forgetful", email="forgetful@example.org", password="the old passphrase 1")
    page = client.get("/accounts/password_reset/")
    assert page.status_code == 200 and b'name="email"' in page.content
    assert client.post("/accounts/password_reset/", {"email": "forgetful@example.org"}).status_code == 302
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and b'name="new_password1"' in form_page.content
    new = "a brand new passphrase 2"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    # A used link is refused with a way to ask for a new one.
    assert b"no longer valid" in client.get(link, follow=True).content


def test_signed_in_user_changes_password_and_sees_form_errors(client):
    user = User.objects.create_user("changer", email="changer@example.org", password="the old passphrase 1")
    client.force_login(user)
    wrong = client.post(
        "/accounts/change_password/",
        {"old_password": "not it", "new_password1": "x new passphrase 3", "new_password2": "x new passphrase 3"},
    )
    assert wrong.status_code == 200 and b"old password was entered incorrectly" in wrong.content
    right = client.post(
        "/accounts/change_password/",
        {
            "old_password": "the old passphrase 1",
            "new_password1": "x new passphrase 3",
            "new_password2": "x new passphrase 3",
        },
    )
    assert right.status_code == 302
    user.refresh_from_db()
    assert user.check_password("x new passphrase 3")
