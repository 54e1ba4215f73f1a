"""The operations commands Genomics England's PanelApp has: activate_genes, set_panel_types and
an anonymiser for non-production copies (anonymise_users)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from panels.models import Gene, GenePanelSnapshot, PanelType

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_activate_genes_activates_inactive_genes_that_have_ensembl_data(genes, capsys):
    Gene.objects.filter(pk__in=["BRCA1", "BRCA2"]).update(active=False)
    Gene.objects.create(gene_symbol="NOENSEMBL1", active=False, ensembl_genes={})
    withdrawn = set(Gene.objects.filter(active=False).values_list("pk", flat=True)) - {"BRCA1", "BRCA2"}
    already_inactive_without_data = {s for s in withdrawn if not Gene.objects.get(pk=s).ensembl_genes}

    call_command("activate_genes")

    lines = capsys.readouterr().out.splitlines()
    inactive = 2 + len(withdrawn)
    assert lines[0] == f"Found {inactive} inactive genes"
    assert lines[1] == f"Found {len(already_inactive_without_data)} inactive genes with empty ensembl_genes"
    activated = inactive - len(already_inactive_without_data)
    assert lines[2] == f"{activated} genes should be active"
    assert {"Activated: BRCA1", "Activated: BRCA2"} <= set(lines[3:])
    assert len(lines) == 3 + activated
    assert Gene.objects.filter(pk__in=["BRCA1", "BRCA2"], active=True).count() == 2
    assert not Gene.objects.get(pk="NOENSEMBL1").active


def test_set_panel_types_adds_types_without_a_new_version(make_panel, tmp_path, client, capsys):
    first = make_panel("First panel", genes=["BRCA1"])
    second = make_panel("Second panel", genes=["BRCA2"])
    PanelType.objects.get_or_create(slug="cancer-germline-100k", defaults={"name": "Cancer Germline 100k"})
    before = {s.panel_id: s.version for s in (first, second)}
    client.get(f"/api/v1/panels/{first.panel_id}/", HTTP_ACCEPT="application/json")  # cached before the change
    csv_file = tmp_path / "types.csv"
    csv_file.write_text(
        "panel_id,panel_type\n"
        f"{first.panel_id},rare-disease-100k\n"
        f"{first.panel_id},cancer-germline-100k\n"
        f"{second.panel_id},cancer-germline-100k\n"
        "\n"
    )

    call_command("set_panel_types", str(csv_file))
    assert "All done: 3 type(s) added to 2 panel(s) from 3 row(s)." in capsys.readouterr().out
    for snapshot in (first, second):
        snapshot = GenePanelSnapshot.objects.get(pk=snapshot.pk)
        assert snapshot.version == before[snapshot.panel_id]
    answer = client.get(f"/api/v1/panels/{first.panel_id}/", HTTP_ACCEPT="application/json").json()
    assert {t["slug"] for t in answer["types"]} == {"rare-disease-100k", "cancer-germline-100k"}

    call_command("set_panel_types", str(csv_file))  # types already set are left as they are
    assert "All done: 0 type(s) added" in capsys.readouterr().out


def test_set_panel_types_with_a_bad_row_changes_nothing_and_names_every_problem(make_panel, tmp_path):
    panel = make_panel("Typed panel", genes=["BRCA1"])
    csv_file = tmp_path / "types.csv"
    csv_file.write_text(
        f"panel_id,panel_type\n{panel.panel_id},cancer-germline-100k\n999999,rare-disease-100k\n"
        f"{panel.panel_id},no-such-type\n{panel.panel_id}\nR45,rare-disease-100k\n"
    )
    types_before = list(panel.panel.types.values_list("slug", flat=True))
    with pytest.raises(CommandError) as failure:
        call_command("set_panel_types", str(csv_file))
    message = str(failure.value)
    assert message.startswith("nothing was changed: ")
    for problem in (
        "line 3: no panel with id 999999",
        "line 4: no panel type with slug 'no-such-type'",
        "line 5: expected panel_id,panel_type_slug, got 1 value(s)",
        "line 6: 'R45' is not a panel id",
    ):
        assert problem in message
    assert list(panel.panel.types.values_list("slug", flat=True)) == types_before
    with pytest.raises(CommandError, match="cannot read"):
        call_command("set_panel_types", str(tmp_path / "missing.csv"))


@pytest.fixture
def demo(db):
    from panels.demo import load_demo_data

    load_demo_data()


def personal_data() -> list[str]:
    """What the demo's two people leave in the database: names, usernames' rows, addresses, affiliations."""
    return [
        "Demo Curator",
        "Demo Reviewer",
        "curator@panelapp.local",
        "reviewer@panelapp.local",
        '"username": "curator"',
        '"username": "reviewer"',
        "NHS Genomic Medicine Centre",
    ]


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", "accounts", "panels", "authtoken", "axes", "sessions", stdout=out)
    return out.getvalue()


def test_anonymise_users_replaces_every_persons_data_on_a_non_production_copy(demo, client, capsys):
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    before = dump()
    assert all(text in before for text in personal_data()), "the demo data names its people"
    assert client.login(username="curator", password="curator-demo")
    assert client.get("/accounts/profile/").status_code == 200
    tokens = set(Token.objects.values_list("key", flat=True))
    from django.db import connection

    call_command("anonymise_users", "--confirm", connection.settings_dict["NAME"], "--password", "copy-password")

    output = capsys.readouterr().out
    assert output.startswith(f"Anonymised {User.objects.count()} users; rewrote ")
    after = dump()
    leaked = [text for text in personal_data() if text in after]
    assert not leaked, leaked
    curator = User.objects.get(username__startswith="user", is_superuser=True)
    assert (curator.first_name, curator.email) == ("User", f"user{curator.pk}@anonymised.invalid")
    assert f"User {curator.pk} promoted panel to" in "".join(
        GenePanelSnapshot.objects.exclude(version_comment=None).values_list("version_comment", flat=True)
    )
    answer = json.loads(client.get("/api/v1/activities/", HTTP_ACCEPT="application/json").content)
    activity = answer["results"] if isinstance(answer, dict) else answer
    assert activity and all(item["user_name"].startswith("User ") for item in activity)
    # The session of the login above is gone; the old password no longer works, the given one does.
    assert client.get("/accounts/profile/").status_code == 302
    assert not client.login(username=f"user{curator.pk}", password="curator-demo")
    assert client.login(username=f"user{curator.pk}", password="copy-password")
    assert Token.objects.count() == User.objects.count()
    assert not tokens & set(Token.objects.values_list("key", flat=True))


def test_anonymise_users_refuses_without_the_database_name_or_on_production(demo, settings):
    from django.db import connection

    before = dump()
    with pytest.raises(
        CommandError, match=f"Refused, nothing was changed: give --confirm {connection.settings_dict['NAME']}"
    ):
        call_command("anonymise_users")
    with pytest.raises(CommandError, match="give --confirm"):
        call_command("anonymise_users", "--confirm", "panelapp_production")
    settings.PANELAPP_NON_PRODUCTION = False
    with pytest.raises(CommandError, match="not marked as a non-production copy: set PANELAPP_NON_PRODUCTION=true"):
        call_command("anonymise_users", "--confirm", connection.settings_dict["NAME"])
    assert dump() == before
