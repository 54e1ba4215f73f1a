"""Adding a gene to several panels at once from the add-gene form (curators): all or none, each
panel with its own minor version."""

import pytest

from panels.models import GenePanelEntrySnapshot
from panels.services.entities import get_entity
from panels.services.panels import PanelFields, update_panel

from .conftest import MONOALLELIC

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def panels(make_panel):
    return [make_panel(name, genes=genes) for name, genes in (("Main", []), ("Second", []), ("Third", ["TP53"]))]


def add(client, snapshot, others, symbol="BRCA1", source="Expert Review Green"):
    data = {"gene": symbol, "sources": [source], "moi": MONOALLELIC, "phenotypes": "Breast cancer"}
    data["additional_panels"] = [str(o.panel_id) for o in others]
    return client.post(f"/panels/{snapshot.panel_id}/gene/add", data)


def versions(snapshots):
    for s in snapshots:
        s.refresh_from_db()
    return [s.version_tuple for s in snapshots]


def test_a_curator_adds_a_gene_to_several_panels(client, curator, panels):
    main, second, third = panels
    before = versions(panels)
    client.force_login(curator)
    form = client.get(f"/panels/{main.panel_id}/gene/add").content.decode()
    assert "Also add to these panels" in form and f'value="{second.panel_id}"' in form
    assert f'value="{main.panel_id}"' not in form
    response = add(client, main, [second, third])
    assert response.status_code == 302 and response["Location"] == f"/panels/{main.panel_id}/gene/BRCA1/"
    for snapshot in panels:
        entity = get_entity(snapshot, "gene", "BRCA1")
        assert entity is not None and entity.moi == MONOALLELIC and entity.phenotypes == ["Breast cancer"]
        assert entity.saved_gel_status == 3 and not entity.flagged
    assert versions(panels) == [v.next_minor() for v in before]
    page = client.get(response["Location"]).content.decode()
    assert "BRCA1 was also added to Second, Third." in page


def test_nothing_is_added_when_one_panel_cannot_take_it(client, curator, panels):
    main, second, third = panels
    before = versions(panels)
    client.force_login(curator)
    response = add(client, main, [second, third], symbol="TP53")  # Third has TP53 already
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_additional_panels_errors"' in page and "Third: TP53 is already on this panel." in page
    assert not GenePanelEntrySnapshot.objects.filter(panel__in=[main, second], gene_core_id="TP53").exists()
    assert versions(panels) == before


def test_super_panels_and_unknown_panels_are_not_choices(client, curator, panels, make_panel):
    main, second, third = panels
    parent = make_panel("Parent")
    fields = PanelFields.from_snapshot(parent)
    fields.child_panel_ids = [second.panel_id]
    update_panel(parent, curator, fields)
    client.force_login(curator)
    form = client.get(f"/panels/{main.panel_id}/gene/add").content.decode()
    assert f'value="{parent.panel_id}"' not in form
    for bad in (parent.panel_id, 999999999, "x"):
        response = client.post(
            f"/panels/{main.panel_id}/gene/add", {"gene": "BRCA1", "moi": MONOALLELIC, "additional_panels": [bad]}
        )
        assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert get_entity(main, "gene", "BRCA1") is None


def test_reviewers_suggest_to_one_panel_only(client, reviewer, panels):
    main, second, _ = panels
    client.force_login(reviewer)
    assert "Also add to these panels" not in client.get(f"/panels/{main.panel_id}/gene/add").content.decode()
    assert add(client, main, [second], source="Literature").status_code == 302
    assert get_entity(main, "gene", "BRCA1").flagged
    assert get_entity(second, "gene", "BRCA1") is None
