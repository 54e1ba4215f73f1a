"""F16: an internal panel is read by curators only, on every route (web page, TSV, API v1,
WebServices); retired panels stay readable by their address; F17: registration does not tell
who has an account."""

import pytest
from rest_framework.authtoken.models import Token

from panels.services.panels import PanelFields, update_panel
from tests.domain.test_accounts import REGISTRATION

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def routes(pid: int, version: str) -> list[str]:
    return [
        f"/panels/{pid}/",
        f"/panels/{pid}/download/01234/",
        f"/panels/{pid}/gene/BRCA1/",
        f"/api/v1/panels/{pid}/",
        f"/api/v1/panels/{pid}/?version={version}",
        f"/api/v1/panels/{pid}/genes/",
        f"/api/v1/panels/{pid}/strs/",
        f"/api/v1/panels/{pid}/regions/",
        f"/api/v1/panels/{pid}/genes/BRCA1/evaluations/",
        f"/api/v1/panels/{pid}/genes/?version={version}",
        f"/WebServices/get_panel/{pid}/",
        f"/WebServices/get_panel/{pid}/?version={version}",
    ]


@pytest.fixture
def internal(make_panel):
    return make_panel("Work in progress", genes=["BRCA1"], status="internal")


@pytest.fixture
def retired(make_panel, curator):
    snapshot = make_panel("Old panel", genes=["BRCA1"])
    fields = PanelFields.from_snapshot(snapshot)
    fields.status = "retired"
    update_panel(snapshot, curator, fields)
    snapshot.refresh_from_db()
    return snapshot


def test_an_internal_panel_is_not_found_for_anyone_but_curators(client, internal, reviewer, curator):
    urls = routes(internal.panel_id, internal.version)
    for who in (None, reviewer):
        if who is not None:
            client.force_login(who)
        answers = {url: client.get(url, HTTP_ACCEPT="application/json").status_code for url in urls}
        assert set(answers.values()) == {404}, answers
    client.force_login(curator)
    answers = {url: client.get(url, HTTP_ACCEPT="application/json").status_code for url in urls}
    # The API's detail without a version lists public panels only, as PanelApp's.
    assert answers.pop(f"/api/v1/panels/{internal.panel_id}/") == 404
    assert answers.pop(f"/WebServices/get_panel/{internal.panel_id}/") == 404
    assert set(answers.values()) == {200}, answers
    token = Token.objects.get_or_create(user=curator)[0].key
    client.logout()
    genes = client.get(f"/api/v1/panels/{internal.panel_id}/genes/", HTTP_AUTHORIZATION=f"Token {token}")
    assert genes.status_code == 200
    # What the curator was shown is not kept for the next anonymous request.
    assert client.get(f"/api/v1/panels/{internal.panel_id}/genes/", HTTP_ACCEPT="application/json").status_code == 404


def test_a_retired_panel_stays_readable_by_its_address(client, retired):
    answers = {
        url: client.get(url, HTTP_ACCEPT="application/json").status_code
        for url in routes(retired.panel_id, retired.version)
    }
    assert answers.pop(f"/api/v1/panels/{retired.panel_id}/") == 404  # PanelApp: detail lists public ones
    assert answers.pop(f"/WebServices/get_panel/{retired.panel_id}/") == 404
    assert set(answers.values()) == {200}, answers


def test_registering_a_taken_address_answers_like_a_new_one(
    client, curator, mailoutbox, django_capture_on_commit_callbacks
):
    from accounts.models import Reviewer, User

    data = {**REGISTRATION, "email": "curator@example.org", "confirm_email": "curator@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post("/accounts/registration/", data)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = client.post(
            "/accounts/registration/",
            {**data, "username": "other", "email": "fresh@example.org", "confirm_email": "fresh@example.org"},
        )
    assert (
        (taken.status_code, taken["Location"])
        == (fresh.status_code, fresh["Location"])
        == (302, "/accounts/registration/done/")
    )
    assert not User.objects.filter(username=REGISTRATION["username"]).exists()
    notice = [m for m in mailoutbox if m.to == ["curator@example.org"]]
    assert len(notice) == 1 and "already has one" in notice[0].body
    assert Reviewer.objects.filter(user__username="other").exists()
