"""Read-only mode and the banner (runtime.maintenance): writes answer 503 with the configured
message before any view runs, reads keep working, and every page shows the notices."""

import json

import pytest

from panels.models import GenePanelSnapshot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MESSAGE = "Upgrading to PanelApp 5: back in ten minutes."


@pytest.fixture
def read_only(settings):
    settings.PANELAPP_READ_ONLY = True
    settings.PANELAPP_READ_ONLY_MESSAGE = MESSAGE
    return settings


def test_pages_keep_working_and_show_the_read_only_notice(read_only, client, make_panel):
    snapshot = make_panel("Read-only panel", genes=["BRCA1"])
    page = client.get(f"/panels/{snapshot.panel_id}/")
    assert page.status_code == 200
    assert f'<p class="site-notice" role="status">{MESSAGE}</p>' in page.content.decode()
    assert client.get("/api/v1/panels/", HTTP_ACCEPT="application/json").status_code == 200


def test_writes_answer_503_with_the_message_and_change_nothing(read_only, client, curator, make_panel):
    snapshot = make_panel("Frozen panel", genes=["BRCA1"])
    before = GenePanelSnapshot.objects.get(pk=snapshot.pk).modified
    client.force_login(curator)
    page = client.post(f"/panels/{snapshot.panel_id}/update", {"name": "Renamed"})
    assert page.status_code == 503 and page["Retry-After"] == "300"
    assert MESSAGE in page.content.decode()
    refused = client.post("/api/v1/panels/", data="{}", content_type="application/json")
    assert refused.status_code == 503 and json.loads(refused.content) == {"detail": MESSAGE}
    assert client.post("/accounts/login/", {"username": "curator", "password": "x"}).status_code == 503
    assert GenePanelSnapshot.objects.get(pk=snapshot.pk).modified == before
    assert GenePanelSnapshot.objects.get(pk=snapshot.pk).panel.name == "Frozen panel"


def test_the_banner_shows_on_every_page_without_read_only(settings, client):
    settings.PANELAPP_BANNER = "Scheduled maintenance on Saturday 09:00-10:00 UTC."
    page = client.get("/")
    assert page.status_code == 200
    assert "Scheduled maintenance on Saturday 09:00-10:00 UTC." in page.content.decode()
    assert client.post("/accounts/login/", {"username": "nobody", "password": "x"}).status_code != 503


def test_the_variables_are_read_and_validated():
    from runtime.environment import ConfigurationError
    from runtime.maintenance import DEFAULT_READ_ONLY_MESSAGE, read_settings

    assert read_settings({}).read_only is False and read_settings({}).read_only_message == DEFAULT_READ_ONLY_MESSAGE
    found = read_settings(
        {"PANELAPP_READ_ONLY": "True", "PANELAPP_READ_ONLY_MESSAGE": MESSAGE, "PANELAPP_BANNER": "Hello"}
    )
    assert (found.read_only, found.read_only_message, found.banner) == (True, MESSAGE, "Hello")
    with pytest.raises(ConfigurationError, match="PANELAPP_READ_ONLY"):
        read_settings({"PANELAPP_READ_ONLY": "perhaps"})
