"""Old links keep working: PanelApp v1's /crowdsourcing/ addresses, /panels/<id>/<GENE>/ and
/panels/genes/, redirected as PanelApp redirects them; genes named by HGNC id in web addresses."""

import pytest

from panels.models import GenePanel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

OLD_PK = "558aa423bb5a16630e15b63c"


@pytest.fixture
def panel(make_panel):
    snapshot = make_panel("Old links panel", genes=["BRCA1"])
    GenePanel.objects.filter(pk=snapshot.panel_id).update(old_pk=OLD_PK)
    return snapshot


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/crowdsourcing/", "/"),
        ("/crowdsourcing/PanelApp/", "/"),
        ("/crowdsourcing/PanelApp/?a=1", "/?a=1"),
        ("/crowdsourcing/PanelApp/Genes", "/panels/genes/"),
        ("/crowdsourcing/PanelApp/Genes/BRCA1", "/panels/entities/BRCA1"),
        ("/crowdsourcing/PanelApp/PanelBrowser", "/panels/"),
        (f"/crowdsourcing/PanelApp/EditPanel/{OLD_PK}", "/panels/{id}/"),
        ("/crowdsourcing/PanelApp/EditPanel/ffffffffffffffffffffffff", "/panels/"),
        (f"/crowdsourcing/PanelApp/GeneReview/{OLD_PK}/BRCA1", "/panels/{id}/gene/BRCA1/"),
        ("/crowdsourcing/PanelApp/GeneReview/ffffffffffffffffffffffff/BRCA1", "/panels/"),
        ("/crowdsourcing/WebServices/list_panels/?Name=x", "/WebServices/list_panels/?Name=x"),
    ],
)
def test_panelapp_v1_addresses_redirect_permanently(client, panel, old, new):
    response = client.get(old)
    assert response.status_code == 301, (old, response.status_code)
    assert response["Location"] == new.format(id=panel.panel_id)


def test_earlier_addresses_of_this_ui(client, panel):
    response = client.get(f"/panels/{panel.panel_id}/BRCA1/")
    assert response.status_code == 302 and response["Location"] == f"/panels/{panel.panel_id}/gene/BRCA1/"
    assert client.get(response["Location"]).status_code == 200
    listing = client.get("/panels/genes/", {"tag": "watchlist"})
    assert listing.status_code == 302 and listing["Location"] == "/panels/entities/?tag=watchlist"
    assert client.get("/crowdsourcing").status_code == 301  # to /crowdsourcing/
    # The download addresses are not entity names.
    assert client.get(f"/panels/{panel.panel_id}/download_version/").status_code == 405


def test_genes_are_addressable_by_hgnc_id(client, panel, curator):
    # BRCA1 is HGNC:1100.
    page = client.get(f"/panels/{panel.panel_id}/gene/HGNC:1100/")
    assert page.status_code == 200 and "<h1>BRCA1" in page.content.decode()
    assert client.get(f"/panels/{panel.panel_id}/gene/hgnc:1100/").status_code == 200
    assert client.get(f"/panels/{panel.panel_id}/gene/HGNC:999999/").status_code == 404
    across = client.get("/panels/entities/HGNC:1100")
    assert across.status_code == 302 and across["Location"] == "/panels/entities/BRCA1"
    assert client.get("/panels/genes/HGNC:1100", follow=True).redirect_chain[-1][0] == "/panels/entities/BRCA1"
    listing = client.get("/panels/", {"gene": "HGNC:1100"}).content.decode()
    assert "Old links panel" in listing and "containing BRCA1" in listing
    old_style = client.get(f"/panels/{panel.panel_id}/HGNC:1100/", follow=True)
    assert old_style.status_code == 200 and "<h1>BRCA1" in old_style.content.decode()
    compared = client.get(f"/panels/compare/{panel.panel_id}/{panel.panel_id}/HGNC:1100")
    assert compared.status_code == 200 and "Comparing BRCA1" in compared.content.decode()
    # Curator actions take the HGNC id too.
    client.force_login(curator)
    response = client.post(f"/panels/{panel.panel_id}/gene/HGNC:1100/curate/tags/", {"tags-tags": "watchlist"})
    assert response.status_code == 302 and response["Location"].startswith(f"/panels/{panel.panel_id}/gene/BRCA1/")
