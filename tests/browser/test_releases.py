"""A curator's release, in a real browser and with the keyboard alone: create it, list its panels
in a CSV, choose promote or sign-off, read the preview, deploy, and read what changed."""

import pytest
from playwright.sync_api import expect

from tests.domain.conftest import make_user

from .conftest import log_in, type_into

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def two_panels(transactional_db):
    from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
    from panels.services.entities import EntityFields, add_entity
    from panels.services.panels import PanelFields, create_panel, ensure_default_panel_types

    ensure_default_panel_types()
    upsert_genes(read_json_file(SAMPLE_GENES_FILE))
    curator = make_user("curator", "GEL", first_name="Cara", last_name="Curator")
    panels = []
    for name, symbol in (("Release story A", "BRCA1"), ("Release story B", "TP53")):
        snapshot = create_panel(curator, PanelFields(name=name, status="public"))
        add_entity(
            snapshot,
            curator,
            "gene",
            EntityFields(
                gene_symbol=symbol, sources=["Expert Review Green"], moi="BIALLELIC, autosomal or pseudoautosomal"
            ),
        )
        snapshot.refresh_from_db()
        panels.append(snapshot)
    return panels


def test_curator_deploys_a_release_with_the_keyboard(new_page, two_panels, tmp_path):
    a, b = two_panels
    page = new_page()
    log_in(page, "curator", PASSWORD)

    page.get_by_role("link", name="Releases", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Releases")
    page.get_by_role("link", name="Create a release").focus()
    page.keyboard.press("Enter")
    type_into(page, "Release name", "Winter release")
    type_into(page, "Promotion comment", "Winter release: version {{ version }}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Create release")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Release Winter release")

    # A bad file first: every problem is listed and nothing is added.
    bad = tmp_path / "bad.csv"
    bad.write_text(f"Panel ID,Promote\n{a.panel_id},maybe\n")
    page.get_by_label("Release panels CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Import panels").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Row 1: `maybe` value must be either `true` or `false`.")

    good = tmp_path / "release.csv"
    good.write_text(f"Panel ID,Promote\n{a.panel_id},false\n{b.panel_id},false\n")
    page.get_by_label("Release panels CSV").set_input_files(str(good))
    page.get_by_role("button", name="Import panels").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("The release now has 2 panels.")

    # Promote A instead of only signing it off: the preview follows.
    action = page.get_by_label("Action for Release story A")
    action.focus()
    action.select_option("promote")
    page.get_by_role("button", name="Save choices").focus()
    page.keyboard.press("Enter")
    row_a = page.get_by_role("row").filter(has_text="Release story A")
    expect(row_a).to_contain_text(a.version)
    expect(row_a.get_by_role("cell").nth(5)).to_have_text("1.0")  # will sign off
    expect(row_a.get_by_role("cell").nth(6)).to_have_text("1.1")  # version after
    row_b = page.get_by_role("row").filter(has_text="Release story B")
    expect(row_b.get_by_role("cell").nth(5)).to_have_text(b.version)

    page.get_by_role("button", name="Deploy release").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#deployment-state")).to_contain_text("Deployed on")
    expect(page.get_by_role("heading", name="What the deployment changed")).to_be_visible()
    record_a = page.get_by_role("row").filter(has_text="Release story A")
    expect(record_a).to_contain_text("Promote and sign off")
    expect(record_a).to_contain_text("Winter release: version 1.0")
    expect(page.get_by_role("button", name="Deploy release")).to_have_count(0)

    # The panel page shows the new signed-off version.
    record_a.get_by_role("link", name="Release story A").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Release story A")
    expect(page.locator(".banner.info")).to_contain_text("The latest signed off version for the GMS is 1.0")
