"""F10: state changes happen only on POST with a CSRF token, the admin's confirm-reviewer included."""

import re

import pytest
from django.test import Client

from accounts.models import Reviewer, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def staff_client():
    admin = User.objects.create_superuser("admin", "admin@example.org", "admin-pass")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    return client


def role(user) -> str:
    user.reviewer.refresh_from_db()
    return user.reviewer.user_type


def test_opening_the_confirm_link_changes_nothing(staff_client, external):
    url = f"/admin/accounts/user/{external.pk}/actions/confirm_reviewer/"
    response = staff_client.get(url, HTTP_REFERER="https://evil.example/")
    assert response.status_code == 200 and 'method="post"' in response.content.decode()
    assert role(external) == Reviewer.Types.EXTERNAL


def test_confirming_needs_the_csrf_token(staff_client, external):
    url = f"/admin/accounts/user/{external.pk}/actions/confirm_reviewer/"
    assert staff_client.post(url).status_code == 403
    assert role(external) == Reviewer.Types.EXTERNAL
    page = staff_client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert staff_client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert role(external) == Reviewer.Types.REVIEWER


def test_no_get_route_changes_anything(client, curator, external, make_panel):
    """Every route the probes know, fetched with GET by a signed-in curator: no row changes."""
    from django.apps import apps

    from . import probes

    panel = make_panel("Unchanged", genes=["BRCA1"])

    def counts():
        return {m._meta.label: m.objects.count() for m in apps.get_models()}

    def roles():
        return sorted(Reviewer.objects.values_list("user_id", "user_type"))

    before, roles_before = counts(), roles()
    panel_version = panel.version
    client.force_login(curator)
    ctx = probes.Context(panel=panel.panel_id, gene="BRCA1", str="HTT_CAG", review=1)
    for route in probes.ROUTES.values():
        for template in route.paths:
            client.get("/" + probes._fill(template, ctx, str(external.pk)))
    after = counts()
    # Sessions may be created and API tokens made on first view of the profile: not state changes.
    changed = {k for k in before if before[k] != after[k]} - {"sessions.Session", "authtoken.Token"}
    assert changed == set()
    assert roles() == roles_before
    panel.refresh_from_db()
    assert panel.version == panel_version
