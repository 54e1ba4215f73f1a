"""Panel TSV downloads (reference §4.1, §8 scenario 11)."""

import csv
import io

import pytest

from panels.exports import HEADER
from panels.services.entities import EntityFields, add_entity, get_entity
from panels.services.reviews import ReviewFields, submit_review

from .conftest import add_region, add_str

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def rows_of(response):
    assert response["Content-Type"].startswith("text/tab-separated-values")
    table = list(csv.reader(io.StringIO(response.content.decode()), delimiter="\t"))
    assert tuple(table[0]) == HEADER and len(HEADER) == 36
    return [dict(zip(HEADER, row, strict=True)) for row in table[1:]]


@pytest.fixture
def panel(make_panel, curator, reviewer):
    snapshot = make_panel("Download panel", genes=["BRCA1", "TP53"], omim=["604370"], hpo=["HP:0003002"])
    add_entity(snapshot, curator, "gene", EntityFields(gene_symbol="ATM", sources=["Expert Review Amber"]))
    add_entity(snapshot, reviewer, "gene", EntityFields(gene_symbol="APC", sources=["Literature"]))  # flagged
    add_str(snapshot, curator)
    add_region(snapshot, curator)
    brca1 = get_entity(snapshot, "gene", "BRCA1")
    submit_review(snapshot, brca1, reviewer, ReviewFields(rating="GREEN"))
    from .conftest import make_user

    submit_review(snapshot, brca1, make_user("second", "REVIEWER"), ReviewFields(rating="AMBER"))
    submit_review(snapshot, brca1, make_user("third", "REVIEWER"), ReviewFields(rating="GREEN"))
    snapshot.refresh_from_db()
    return snapshot


def test_green_download_has_only_green_unflagged_entities_in_order(client, panel):
    rows = rows_of(client.get(f"/panels/{panel.panel_id}/download/34/"))
    assert [(r["Entity type"], r["Entity Name"]) for r in rows] == [
        ("gene", "BRCA1"),
        ("gene", "TP53"),
        ("str", "HTT_CAG"),
    ]
    brca1 = rows[0]
    assert brca1["Gene Symbol"] == "BRCA1" and brca1["Level4"] == "Download panel"
    assert brca1["GEL_Status"] == "3" and brca1["Flagged"] == "False" and brca1["ready"] == "False"
    assert brca1["UserRatings_Green_amber_red"] == "67;33;0"
    assert brca1["EnsemblId(GRch38)"] == "ENSG00000012048" and brca1["HGNC"] == "HGNC:1100"
    assert brca1["Omim"] == "604370" and brca1["HPO"] == "HP:0003002"
    assert brca1["version"] == panel.version
    htt = rows[2]
    assert htt["Position Chromosome"] == "4" and htt["Position GRCh38 Start"] == "3074877"
    assert htt["STR Repeated Sequence"] == "CAG" and htt["STR Pathogenic Repeats"] == "40"


def test_all_download_excludes_flagged_and_grey_and_orders_by_rating(client, panel):
    rows = rows_of(client.get(f"/panels/{panel.panel_id}/download/01234/"))
    assert [r["Entity Name"] for r in rows] == ["BRCA1", "TP53", "ATM", "HTT_CAG", "ISCA-37390-Loss"]
    region = rows[-1]
    assert region["Region Variant Type"] == "cnv_loss" and region["Region Haploinsufficiency Score"] == "3"
    assert region["Position GRCh37 Start"] == "" and region["Region Verbose Name"].startswith("16p11.2")
    assert [r["Entity Name"] for r in rows_of(client.get(f"/panels/{panel.panel_id}/download/2/"))] == [
        "ATM",
        "ISCA-37390-Loss",
    ]
    assert client.get(f"/panels/{panel.panel_id}/download/59/").status_code == 400


def test_download_an_earlier_version(client, panel, curator):
    old = panel.version
    add_entity(panel, curator, "gene", EntityFields(gene_symbol="PALB2", sources=["Expert Review Green"]))
    rows = rows_of(client.post(f"/panels/{panel.panel_id}/download_version/", {"panel_version": old}))
    names = [r["Entity Name"] for r in rows]
    assert "PALB2" not in names and "APC" in names  # every status is in a historical file
    assert {r["version"] for r in rows} == {old}
    brca1 = next(r for r in rows if r["Entity Name"] == "BRCA1")
    assert brca1["EnsemblId(GRch38)"] == "ENSG00000012048"  # not swapped with GRch37
    current = rows_of(client.post(f"/panels/{panel.panel_id}/download_version/", {"panel_version": panel.version}))
    assert "PALB2" in [r["Entity Name"] for r in current]
    assert client.post(f"/panels/{panel.panel_id}/download_version/", {"panel_version": "9.9"}).status_code == 404
    assert client.post(f"/panels/{panel.panel_id}/download_version/", {"panel_version": "x"}).status_code == 400


def test_a_download_uploads_again_unchanged(client, panel, curator, django_capture_on_commit_callbacks):
    """The download is the upload format: uploading it adds nothing new and bumps once."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from panels.models import UploadedPanelList

    content = client.get(f"/panels/{panel.panel_id}/download/01234/").content
    before = panel.version_tuple
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/panels/upload/panel/", {"panel-file": SimpleUploadedFile("again.tsv", content)})
    upload = UploadedPanelList.objects.get()
    assert upload.status == "imported", upload.errors
    assert upload.summary["added"] == 0 and upload.summary["updated"] == 5
    panel.refresh_from_db()
    assert panel.version_tuple == before.next_minor()
