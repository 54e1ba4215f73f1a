"""Web pages: what each role may see and do, and that bad input is shown next to the field."""

import pytest

from panels.models import GenePanelEntrySnapshot
from panels.services.entities import get_entity

from .conftest import MONOALLELIC

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def panel(make_panel):
    return make_panel("Web panel", genes=["BRCA1", "TP53"])


def test_anyone_can_browse(client, panel):
    for url in (
        "/",
        "/panels/",
        "/panels/?gene=brca1",
        f"/panels/{panel.panel_id}/",
        f"/panels/{panel.panel_id}/gene/BRCA1/",
        "/panels/entities/",
        "/panels/entities/BRCA1",
        "/panels/activity/",
        "/accounts/login/",
        "/accounts/registration/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get("/panels/?gene=TP53").content.decode()
    assert "Web panel" in page
    assert "Web panel" not in client.get("/panels/?gene=APC").content.decode()


def test_internal_panels_are_listed_for_curators_only(client, make_panel, curator):
    make_panel("Hidden work", genes=[], status="internal")
    assert "Hidden work" not in client.get("/panels/").content.decode()
    client.force_login(curator)
    assert "Hidden work" in client.get("/panels/").content.decode()


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/panels/create/"),
        ("get", "/panels/{pid}/update"),
        ("post", "/panels/{pid}/promote"),
        ("post", "/panels/{pid}/status"),
        ("get", "/panels/{pid}/gene/BRCA1/edit"),
        ("post", "/panels/{pid}/gene/BRCA1/curate/rating/"),
        ("post", "/panels/{pid}/gene/BRCA1/delete"),
        ("get", "/panels/admin/"),
        ("get", "/panels/activity/?format=csv"),
    ],
)
def test_curator_actions_are_403_for_reviewers_and_a_login_for_visitors(client, panel, reviewer, method, url):
    url = url.format(pid=panel.panel_id)
    anonymous = getattr(client, method)(url)
    if "format=csv" in url:
        assert anonymous.status_code == 403
    else:
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(reviewer)
    assert getattr(client, method)(url).status_code == 403


def test_registered_but_unapproved_users_cannot_review_or_suggest(client, panel, external):
    client.force_login(external)
    assert client.get(f"/panels/{panel.panel_id}/gene/BRCA1/review").status_code == 403
    assert client.post(f"/panels/{panel.panel_id}/gene/add", {"gene": "APC"}).status_code == 403


def test_people_delete_only_their_own_reviews(client, panel, reviewer, curator):
    from panels.services.reviews import ReviewFields, submit_review

    brca1 = get_entity(panel, "gene", "BRCA1")
    evaluation = submit_review(panel, brca1, reviewer, ReviewFields(rating="GREEN"))
    client.force_login(curator)
    url = f"/panels/{panel.panel_id}/gene/BRCA1/delete_evaluation/{evaluation.pk}/"
    assert client.post(url).status_code == 403
    client.force_login(reviewer)
    assert client.post(url).status_code == 302
    assert not brca1.evaluation.exists()


def test_form_errors_show_next_to_the_field_and_nothing_changes(client, panel, curator):
    client.force_login(curator)
    version = panel.version
    response = client.post(f"/panels/{panel.panel_id}/gene/add", {"gene": "NOTAGENE", "moi": MONOALLELIC})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_gene_errors"' in page and "NOTAGENE is not an active gene symbol." in page
    response = client.post(f"/panels/{panel.panel_id}/gene/add", {"gene": "BRCA1"})
    assert "BRCA1 is already on this panel." in response.content.decode()
    response = client.post(
        f"/panels/{panel.panel_id}/str/add", {"name": "X", "chromosome": "Z", "position_38_start": "x"}
    )
    page = response.content.decode()
    assert (
        'id="id_chromosome_errors"' in page
        and 'id="id_position_38_start_errors"' in page
        and 'id="id_repeated_sequence_errors"' in page
    )
    response = client.post(f"/panels/{panel.panel_id}/update", {"name": "", "status": "public"})
    assert 'id="id_name_errors"' in response.content.decode()
    response = client.post(f"/panels/{panel.panel_id}/gene/BRCA1/curate/moi/", {"moi-moi": "sometimes"})
    assert response.status_code == 400 and 'id="id_moi-moi_errors"' in response.content.decode()
    panel.refresh_from_db()
    assert panel.version == version
    assert GenePanelEntrySnapshot.objects.filter(panel=panel).count() == 2


def test_curator_feedback_on_the_entity_page(client, panel, curator):
    client.force_login(curator)
    base = f"/panels/{panel.panel_id}/gene/TP53/curate"
    assert client.post(f"{base}/rating/", {"rating-status": "2", "rating-comment": "amber for now"}).status_code == 302
    assert (
        client.post(f"{base}/phenotypes/", {"phenotypes-phenotypes": "Li-Fraumeni syndrome; Sarcoma"}).status_code
        == 302
    )
    assert client.post(f"{base}/tags/", {"tags-tags": "adult-onset"}).status_code == 302
    assert client.post(f"{base}/ready/", {}).status_code == 302
    tp53 = get_entity(panel, "gene", "TP53")
    assert tp53.saved_gel_status == 2 and tp53.phenotypes == ["Li-Fraumeni syndrome", "Sarcoma"] and tp53.ready
    assert [t.name for t in tp53.tags.all()] == ["adult-onset"]
    page = client.get(f"/panels/{panel.panel_id}/gene/TP53/").content.decode()
    assert "amber for now" in page and "Li-Fraumeni syndrome" in page and "has been marked as ready" in page


def test_reviewer_suggests_and_curator_approves(client, panel, reviewer, curator):
    client.force_login(reviewer)
    response = client.post(
        f"/panels/{panel.panel_id}/gene/add", {"gene": "APC", "sources": ["Literature"], "comment": "Polyposis"}
    )
    assert response.status_code == 302
    apc = get_entity(panel, "gene", "APC")
    assert apc.flagged and apc.evaluation.get().comments.get().comment == "Polyposis"
    client.force_login(curator)
    client.post(f"/panels/{panel.panel_id}/gene/APC/approve")
    apc.refresh_from_db()
    assert not apc.flagged


def test_legacy_addresses_redirect(client, panel):
    from panels.models import GenePanel

    GenePanel.objects.filter(pk=panel.panel_id).update(old_pk="55b62bc422c1fc05fc7a1857")
    response = client.get("/panels/55b62bc422c1fc05fc7a1857/gene/BRCA1/")
    assert response.status_code == 301 and response["Location"] == f"/panels/{panel.panel_id}/gene/BRCA1/"
    assert client.get("/panels/genes/BRCA1")["Location"] == "/panels/entities/BRCA1"


def test_activity_filters_and_csv(client, panel, curator):
    page = client.get("/panels/activity/", {"entity": "TP53"}).content.decode()
    assert "gene: TP53 was added" in page and "gene: BRCA1 was added" not in page
    bad = client.get(
        "/panels/activity/", {"date_from": "2024-05-01", "date_to": "2024-01-01", "version": "x"}
    ).content.decode()
    assert 'id="id_date_to_errors"' in bad and 'id="id_version_errors"' in bad
    client.force_login(curator)
    csv_response = client.get("/panels/activity/", {"format": "csv", "panel": str(panel.panel_id)})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "gene: TP53 was added" in csv_response.content.decode()


def test_gene_autocomplete(client, genes):
    results = client.get("/autocomplete/gene/", {"q": "brca"}).json()["results"]
    assert [r["id"] for r in results] == ["BRCA1", "BRCA2"]
    assert "A12M1~withdrawn" not in str(client.get("/autocomplete/gene/", {"q": "A12"}).json())


def test_names_are_escaped_on_the_panel_page(client, panel, curator):
    from .conftest import add_str

    # No '/' in entity names any more (it cannot be part of their address), so no closing tag.
    add_str(panel, curator, name="<img src=x onerror=alert(1)>")
    page = client.get(f"/panels/{panel.panel_id}/").content.decode()
    assert "<img src=x onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert f'href="/panels/{panel.panel_id}/str/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/"' in page


@pytest.mark.parametrize(
    "url",
    [
        "/panels/?search=%00x",
        "/panels/?gene=%00",
        "/panels/entities/?tag=%00",
        "/panels/entities/BR%00CA1",
        "/autocomplete/gene/?q=%00",
        "/panels/activity/?entity=%00&panel=%00",
    ],
)
def test_nul_characters_in_addresses_are_harmless(client, panel, url):
    assert client.get(url).status_code < 500
