"""The main story, in a real browser: a curator creates a panel and adds genes, a reviewer reviews
one, the curator rates it and promotes the panel; the API then shows version 1.0 with those genes
and the activity feed shows every step."""

import re

import pytest
from playwright.sync_api import expect

from tests.domain.conftest import make_user

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

PASSWORD = "correct horse battery staple"
MOI = "MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted"


@pytest.fixture
def people(transactional_db):
    from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
    from panels.services.panels import ensure_default_panel_types

    # Transactional tests empty every table, data migrations' rows included.
    ensure_default_panel_types()
    upsert_genes(read_json_file(SAMPLE_GENES_FILE))
    return make_user("curator", "GEL", first_name="Cara", last_name="Curator"), make_user(
        "reviewer", "REVIEWER", first_name="Rex", last_name="Reviewer"
    )


def add_gene(page, panel_url: str, symbol: str, sources: list[str], rating_moi: str = MOI):
    page.goto(panel_url)
    page.get_by_role("link", name="Add a gene").click()
    page.get_by_label("Gene symbol").fill(symbol)
    for source in sources:
        page.get_by_label(source, exact=True).check()
    page.get_by_label("Mode of inheritance", exact=True).select_option(rating_moi)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(symbol)


def test_curator_creates_reviewer_reviews_curator_rates_and_promotes(new_page, live_server, people, client):
    curator = new_page()
    log_in(curator, "curator", PASSWORD)

    # Create a panel; a mistake first: the form says what is wrong next to the field.
    curator.get_by_role("link", name="Panels", exact=True).click()
    curator.get_by_role("link", name="Create a panel").click()
    curator.get_by_role("button", name="Create panel").click()
    expect(curator.locator(".field.has-error #id_name")).to_be_visible()
    expect(curator.locator("#id_name_errors")).to_contain_text("required")
    curator.get_by_label("Panel name").fill("Hereditary breast cancer story")
    curator.get_by_label("Disease group (level 2)").fill("Tumour syndromes")
    curator.get_by_label("Relevant disorders").fill("R999")
    curator.get_by_label("Rare Disease 100K").check()
    curator.get_by_label("Status").select_option("public")
    curator.get_by_role("button", name="Create panel").click()
    expect(curator.get_by_role("heading", level=1)).to_have_text("Hereditary breast cancer story")
    panel_url = curator.url
    panel_id = int(re.search(r"/panels/(\d+)/", panel_url).group(1))
    expect(curator.locator("#panel-version")).to_contain_text("Version 0.0")

    add_gene(curator, panel_url, "BRCA1", ["Expert Review Green"])
    add_gene(curator, panel_url, "TP53", ["Literature"])
    curator.goto(panel_url)
    expect(curator.locator("#panel-version")).to_contain_text("Version 0.2")
    genes = curator.locator("table.entities[data-entity-type=gene] tbody tr")
    expect(genes).to_have_count(2)
    expect(genes.nth(0)).to_contain_text("BRCA1")
    expect(genes.nth(0).locator(".rating")).to_have_text("Green")
    expect(genes.nth(1).locator(".rating")).to_have_text("Red")

    # A reviewer, in their own browser, reviews TP53 using only the keyboard.
    reviewer = new_page()
    log_in(reviewer, "reviewer", PASSWORD)
    reviewer.goto(f"/panels/{panel_id}/gene/TP53/")
    reviewer.get_by_role("link", name="Review", exact=True).click()
    reviewer.get_by_label("Rating").focus()
    reviewer.keyboard.press("ArrowDown")  # first choice after "No rating": Green List
    reviewer.get_by_label("Comment").focus()
    reviewer.keyboard.type("Li-Fraumeni syndrome: definitive evidence.")
    reviewer.get_by_role("button", name="Submit review").focus()
    reviewer.keyboard.press("Enter")
    expect(reviewer.get_by_text("your review is saved")).to_be_visible()
    expect(reviewer.get_by_role("heading", name="Reviews (1)")).to_be_visible()
    expect(reviewer.get_by_text("Green List (high evidence)")).to_be_visible()
    # Reviewers cannot change panels: the edit page is forbidden.
    assert reviewer.goto(f"/panels/{panel_id}/update").status == 403

    # The curator sees the review, rates TP53 green and promotes the panel.
    curator.goto(f"/panels/{panel_id}/gene/TP53/")
    expect(curator.get_by_text("Li-Fraumeni syndrome: definitive evidence.")).to_be_visible()
    rating_form = curator.locator("form[action$='/curate/rating/']")
    rating_form.get_by_label("Rating").select_option("3")
    rating_form.get_by_label("Comment (optional)").fill("Agreed with the reviewer.")
    rating_form.get_by_role("button", name="Save rating").click()
    expect(curator.get_by_text("The panel is at version 0.3")).to_be_visible()
    expect(curator.locator("h1 .rating")).to_have_text("Green")

    curator.goto(panel_url)
    curator.get_by_text("Curator tools").click()
    curator.get_by_role("button", name="Promote panel").click()  # no comment: refused, said why
    expect(curator.locator("#id_version_comment_errors")).to_be_visible()
    curator.get_by_label("Comment for the new major version").fill("First release: BRCA1 and TP53 reviewed.")
    curator.get_by_role("button", name="Promote panel").click()
    expect(curator.get_by_text("Panel promoted to version 1.0")).to_be_visible()
    expect(curator.locator("#panel-version")).to_contain_text("Version 1.0")

    # The API shows version 1.0 with both genes, green.
    api = curator.request.get(f"/api/v1/panels/{panel_id}/", headers={"Accept": "application/json"})
    assert api.ok
    body = api.json()
    assert body["version"] == "1.0"
    assert {g["entity_name"]: g["confidence_level"] for g in body["genes"]} == {"BRCA1": "3", "TP53": "3"}
    assert body["relevant_disorders"] == ["R999"]
    previous = curator.request.get(f"/api/v1/panels/{panel_id}/?version=0.2").json()
    assert {g["entity_name"]: g["confidence_level"] for g in previous["genes"]} == {"BRCA1": "3", "TP53": "1"}

    # The activity feed shows each step, newest first.
    visitor = new_page()
    visitor.goto(f"/panels/activity/?panel={panel_id}")
    rows = visitor.locator("tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    expected_in_order = [
        "promoted panel to version 1.0",
        "gene: TP53 has been classified as Green List (high evidence)",
        "gene: TP53 was reviewed: Green List (high evidence)",
        "gene: TP53 was added to Hereditary breast cancer story",
        "gene: BRCA1 was added to Hereditary breast cancer story",
        "Added Panel Hereditary breast cancer story",
    ]
    positions = [next(i for i, text in enumerate(texts) if phrase in text) for phrase in expected_in_order]
    assert positions == sorted(positions), texts
    assert "Rex Reviewer" in texts[positions[2]] and "Cara Curator" in texts[positions[0]]


def test_pages_work_with_the_keyboard_and_on_a_phone(new_page, people):
    page = new_page()
    page.goto("/panels/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused in ("search", "gene"), focused  # focus moved into the main content's search form

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/panels/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
