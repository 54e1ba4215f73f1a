"""F9: the Content-Security-Policy holds on every kind of page, Swagger UI included: nothing is
refused and what needed inline handlers still works."""

import pytest
from playwright.sync_api import expect

from tests.domain.conftest import make_user

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def panel(transactional_db):
    from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
    from panels.services.entities import EntityFields, add_entity
    from panels.services.panels import PanelFields, create_panel, ensure_default_panel_types

    ensure_default_panel_types()
    upsert_genes(read_json_file(SAMPLE_GENES_FILE))
    curator = make_user("curator", "GEL", is_staff=True, is_superuser=True)
    snapshot = create_panel(curator, PanelFields(name="Policy panel", status="public"))
    add_entity(snapshot, curator, "gene", EntityFields(gene_symbol="BRCA1", sources=["Expert Review Green"]))
    return snapshot


def watch_violations(page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return seen


def test_pages_and_swagger_ui_run_under_the_policy(new_page, panel, live_server):
    page = new_page()
    violations = watch_violations(page)
    response = page.goto("/panels/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    log_in(page, "curator", PASSWORD)
    pid = panel.panel_id
    for url in (
        "/",
        "/panels/",
        f"/panels/{pid}/",
        f"/panels/{pid}/gene/BRCA1/",
        f"/panels/{pid}/gene/add",
        "/panels/entities/",
        "/panels/activity/",
        "/accounts/profile/",
        "/panels/admin/",
        "/admin/",
    ):
        page.goto(url)
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    assert page.locator(".opblock").count() > 10
    assert violations == []


def test_behaviours_once_inline_still_work(new_page, panel):
    page = new_page()
    violations = watch_violations(page)
    log_in(page, "curator", PASSWORD)
    page.goto(f"/panels/{panel.panel_id}/gene/BRCA1/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Remove").click()
    assert asked == ["Remove BRCA1 from this panel?"]
    expect(page.get_by_role("heading", level=1)).to_contain_text("BRCA1")  # dismissed: still there
    page.goto("/accounts/profile/")
    page.get_by_label("Your token").focus()
    selected = page.evaluate(
        "(() => { const i = document.getElementById('api-token'); "
        "return [i.selectionStart, i.selectionEnd, i.value.length]; })()"
    )
    assert selected[0] == 0 and selected[1] == selected[2] > 0
    assert violations == []
