"""The curators' tools in a real browser, driven with the keyboard: comparing two panels, one
gene's reviews on both, and editing a review comment."""

import pytest
from playwright.sync_api import expect

from tests.domain.conftest import make_user

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def panels(transactional_db):
    from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
    from panels.services.entities import EntityFields, add_entity, get_entity
    from panels.services.panels import PanelFields, create_panel, ensure_default_panel_types
    from panels.services.reviews import ReviewFields, submit_review

    ensure_default_panel_types()
    upsert_genes(read_json_file(SAMPLE_GENES_FILE))
    curator = make_user("curator", "GEL", first_name="Cara", last_name="Curator")
    reviewer = make_user("reviewer", "REVIEWER", first_name="Rex", last_name="Reviewer")
    made = []
    for name, symbols in (("Breast first", ["BRCA1", "TP53"]), ("Breast second", ["BRCA1", "ATM"])):
        snapshot = create_panel(curator, PanelFields(name=name, status="public"))
        for symbol in symbols:
            add_entity(snapshot, curator, "gene", EntityFields(gene_symbol=symbol, sources=["Expert Review Green"]))
        made.append(snapshot)
    first, second = made
    submit_review(
        first, get_entity(first, "gene", "BRCA1"), reviewer, ReviewFields(rating="GREEN", comment="Left view")
    )
    submit_review(
        second, get_entity(second, "gene", "BRCA1"), reviewer, ReviewFields(rating="RED", comment="Right view")
    )
    return first.panel_id, second.panel_id


def press_on(page, locator, key="Enter"):
    locator.focus()
    page.keyboard.press(key)


def test_compare_two_panels_and_a_gene_with_the_keyboard(new_page, panels):
    first, second = panels
    page = new_page()
    page.goto("/panels/")
    press_on(page, page.get_by_role("link", name="Compare panels"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare panels")
    page.get_by_label("First panel").focus()
    page.keyboard.press("ArrowDown")  # "Breast first"
    page.get_by_label("Second panel").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "Breast second"
    press_on(page, page.get_by_role("button", name="Compare"))
    page.wait_for_url(f"**/panels/compare/{first}/{second}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("“Breast first” and “Breast second”")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)  # ATM, BRCA1, TP53
    expect(rows.nth(0)).to_contain_text("ATM")
    expect(rows.nth(1)).to_contain_text("1 review")
    press_on(page, page.get_by_role("link", name="Compare BRCA1"))
    page.wait_for_url(f"**/panels/compare/{first}/{second}/BRCA1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparing BRCA1")
    sides = page.locator("section.card")
    expect(sides.nth(0)).to_contain_text("Left view")
    expect(sides.nth(1)).to_contain_text("Right view")


def test_a_reviewer_edits_their_comment_with_the_keyboard(new_page, panels):
    first, _ = panels
    page = new_page()
    log_in(page, "reviewer", PASSWORD)
    page.goto(f"/panels/{first}/gene/BRCA1/")
    press_on(page, page.get_by_role("link", name="Edit comment"))
    comment = page.get_by_label("Comment")
    expect(comment).to_have_value("Left view")
    comment.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Left view, revised after the 2024 cohort.")
    press_on(page, page.get_by_role("button", name="Save comment"))
    expect(page.get_by_text("Your comment is saved.")).to_be_visible()
    expect(page.get_by_text("Left view, revised after the 2024 cohort.")).to_be_visible()
    press_on(page, page.get_by_role("button", name="Delete comment"))
    expect(page.get_by_text("The comment was deleted.")).to_be_visible()
    expect(page.get_by_text("Left view, revised")).to_have_count(0)


def test_a_curator_clears_phenotypes_and_sources_with_the_keyboard(new_page, panels):
    from panels.models import GenePanelEntrySnapshot

    first, _ = panels
    GenePanelEntrySnapshot.objects.filter(panel__panel_id=first, gene_core_id="TP53").update(
        phenotypes=["Li-Fraumeni syndrome"]
    )
    page = new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Remove every source of TP53?"
    log_in(page, "curator", PASSWORD)
    page.goto(f"/panels/{first}/gene/TP53/")
    expect(page.locator("#details")).to_contain_text("Li-Fraumeni syndrome")
    press_on(page, page.get_by_role("button", name="Clear phenotypes"))
    expect(page.get_by_text("Cleared the phenotypes. The panel is at version")).to_be_visible()
    expect(page.locator("#details")).not_to_contain_text("Li-Fraumeni syndrome")
    expect(page.get_by_role("button", name="Clear phenotypes")).to_have_count(0)
    press_on(page, page.get_by_role("button", name="Clear sources"))
    expect(page.get_by_text("Cleared the sources.")).to_be_visible()
    expect(page.locator("h1 .rating")).to_have_text("No list")
    expect(page.locator("#history")).to_contain_text("All sources for gene: TP53 were removed.")


def test_a_curator_copies_chosen_reviews_with_the_keyboard(new_page, panels, mailoutbox):
    from panels.models import GenePanelEntrySnapshot, GenePanelSnapshot
    from panels.services.entities import get_entity
    from panels.services.reviews import ReviewFields, submit_review

    first, second = panels
    source = GenePanelSnapshot.objects.get(panel_id=first)
    third = make_user("third", "REVIEWER", first_name="Tess", last_name="Third")
    submit_review(
        source, get_entity(source, "gene", "BRCA1"), third, ReviewFields(rating="AMBER", comment="Third view")
    )
    page = new_page()
    log_in(page, "curator", PASSWORD)
    page.goto(f"/panels/compare/{first}/{second}")
    press_on(page, page.get_by_role("link", name="Copy reviews from “Breast first” to “Breast second”"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Copy reviews")
    box = page.get_by_role("checkbox", name="BRCA1")
    expect(box).to_be_checked()  # Tess's review would be copied (Rex reviewed BRCA1 on both panels)
    press_on(page, box, " ")
    expect(box).not_to_be_checked()
    press_on(page, page.get_by_role("button", name="Copy reviews of the chosen genes"))
    expect(page.locator("#genes_errors")).to_contain_text("Choose at least one gene.")
    box = page.get_by_role("checkbox", name="BRCA1")
    press_on(page, box, " ")
    press_on(page, page.get_by_role("button", name="Copy reviews of the chosen genes"))
    expect(page.get_by_text("are being copied to Breast second in the background")).to_be_visible()
    assert [m.subject for m in mailoutbox] == ["Success copying the reviews"]
    assert mailoutbox[0].body.startswith("1 review copied from Breast first to Breast second")
    entity = GenePanelEntrySnapshot.objects.get(panel__panel_id=second, gene_core_id="BRCA1")
    assert sorted(e.rating for e in entity.evaluation.all()) == ["AMBER", "RED"]


def test_a_curator_adds_a_gene_to_two_panels_with_the_keyboard(new_page, panels):
    from panels.models import GenePanelEntrySnapshot

    first, second = panels
    page = new_page()
    log_in(page, "curator", PASSWORD)
    page.goto(f"/panels/{first}/gene/add")
    page.get_by_label("Gene symbol").fill("PALB2")
    page.get_by_label("Expert Review Green", exact=True).check()
    others = page.get_by_label("Also add to these panels")
    others.focus()
    page.keyboard.press("ArrowDown")  # the only other panel: Breast second
    expect(others).to_have_values([str(second)])
    press_on(page, page.get_by_role("button", name="Add", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("PALB2")
    expect(page.get_by_text("PALB2 was also added to Breast second.")).to_be_visible()
    assert GenePanelEntrySnapshot.objects.filter(gene_core_id="PALB2", saved_gel_status=3).count() == 2


def test_the_tag_filter_of_a_genes_page_with_the_keyboard(new_page, panels):
    from accounts.models import User
    from panels.models import GenePanelSnapshot
    from panels.services.entities import get_entity, set_tags

    first, _ = panels
    snapshot = GenePanelSnapshot.objects.get(panel_id=first)
    set_tags(snapshot, get_entity(snapshot, "gene", "BRCA1"), User.objects.get(username="curator"), ["watchlist"])
    page = new_page()
    page.goto("/panels/entities/BRCA1")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Tag", exact=True).focus()
    page.keyboard.press("ArrowDown")  # "Any tag" -> "watchlist"
    press_on(page, page.get_by_role("button", name="Filter"))
    page.wait_for_url("**/panels/entities/BRCA1?tag_filter=watchlist")
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("Breast first")
    expect(page.get_by_text("1 panel with BRCA1 tagged watchlist.")).to_be_visible()
