"""Comparing two panels entity by entity, and one gene's reviews on both (/panels/compare/...)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panels.models import Gene
from panels.services.entities import EntityFields, add_entity, get_entity
from panels.services.reviews import ReviewFields, submit_review

from .conftest import add_str

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def two_panels(make_panel, curator, reviewer):
    first = make_panel("Cardiac first", genes=["BRCA1", "TP53"])
    second = make_panel("Cardiac second", genes=["BRCA1", "ATM"])
    add_entity(second, curator, "gene", EntityFields(gene_symbol="APC", sources=["Expert Review Amber"]))
    add_str(first, curator)
    add_str(second, curator)
    submit_review(first, get_entity(first, "gene", "BRCA1"), reviewer, ReviewFields(rating="GREEN", comment="Strong"))
    submit_review(second, get_entity(second, "gene", "BRCA1"), reviewer, ReviewFields(rating="RED", comment="Weak"))
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def rows_of(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [" ".join(row.split()) for row in body.split("<tr>")[1:]]


def test_the_form_leads_to_the_comparison(client, two_panels):
    first, second = two_panels
    page = client.get("/panels/compare/")
    assert page.status_code == 200 and "Cardiac first (v" in page.content.decode()
    response = client.get("/panels/compare/", {"panel_1": first.panel_id, "panel_2": second.panel_id})
    assert response.status_code == 302 and response["Location"] == f"/panels/compare/{first.panel_id}/{second.panel_id}"
    same = client.get("/panels/compare/", {"panel_1": first.panel_id, "panel_2": first.panel_id})
    assert same.status_code == 400 and "Choose two different panels." in same.content.decode()
    unknown = client.get("/panels/compare/", {"panel_1": first.panel_id, "panel_2": "999999"})
    assert unknown.status_code == 400 and "Select a valid choice" in unknown.content.decode()


def test_every_entity_of_either_panel_side_by_side(client, two_panels):
    first, second = two_panels
    response = client.get(f"/panels/compare/{first.panel_id}/{second.panel_id}")
    assert response.status_code == 200
    rows = rows_of(response.content.decode())
    names = [row.split("</a>")[0].rsplit(">", 1)[-1] for row in rows]
    assert names == ["APC", "ATM", "BRCA1", "BRCA1", "HTT_CAG", "TP53"] or len(rows) == 5
    brca1 = next(row for row in rows if "Compare BRCA1" in row)
    assert brca1.count("1 review") == 2 and brca1.count("Green") == 2
    apc = next(row for row in rows if "APC" in row)
    assert "Amber" in apc and "Compare APC" not in apc and apc.startswith('<td><span class="muted">—</span>')
    tp53 = next(row for row in rows if "TP53" in row)
    assert "Compare TP53" not in tp53 and tp53.rstrip("</tr>").rstrip().endswith('<span class="muted">—</span></td>')
    htt = next(row for row in rows if "HTT_CAG" in row)
    assert "?type=str" in htt
    assert "5 entities in either panel, 2 in both." in response.content.decode()


def test_one_genes_reviews_on_both_panels(client, two_panels):
    first, second = two_panels
    html = client.get(f"/panels/compare/{first.panel_id}/{second.panel_id}/BRCA1").content.decode()
    assert html.index("Strong") < html.index("Weak")  # first panel's reviews on the left
    assert "Green (highly evidenced)" in html or "Green" in html
    str_page = client.get(f"/panels/compare/{first.panel_id}/{second.panel_id}/HTT_CAG", {"type": "str"})
    assert str_page.status_code == 200 and "No reviews." in str_page.content.decode()
    only_one = client.get(f"/panels/compare/{first.panel_id}/{second.panel_id}/TP53").content.decode()
    assert "TP53 is not on this panel." in only_one
    assert client.get(f"/panels/compare/{first.panel_id}/{second.panel_id}/PALB2").status_code == 404
    assert client.get(f"/panels/compare/{first.panel_id}/{second.panel_id}/BRCA1", {"type": "x"}).status_code == 404


def test_internal_panels_are_compared_by_curators_only(client, make_panel, curator, two_panels):
    first, _ = two_panels
    internal = make_panel("Internal work", status="internal", genes=["BRCA1"])
    assert client.get(f"/panels/compare/{first.panel_id}/{internal.panel_id}").status_code == 404
    assert f'value="{internal.panel_id}"' not in client.get("/panels/compare/").content.decode()
    client.force_login(curator)
    assert client.get(f"/panels/compare/{first.panel_id}/{internal.panel_id}").status_code == 200
    assert client.get(f"/panels/compare/{first.panel_id}/99999999").status_code == 404


def test_comparing_costs_the_same_for_small_and_large_panels(client, make_panel, reviewer):
    symbols = list(Gene.objects.active().order_by("gene_symbol").values_list("gene_symbol", flat=True))
    gene, rest = symbols[0], symbols[1:]
    small = [make_panel(f"Small {i}", genes=[gene, *rest[i : i + 1]]) for i in (0, 1)]
    large = [make_panel(f"Large {i}", genes=[gene, *rest[i : i + 40]]) for i in (0, 10)]
    for pair in (small, large):
        for snapshot in pair:
            submit_review(snapshot, get_entity(snapshot, "gene", gene), reviewer, ReviewFields(rating="GREEN"))

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    for template in ("/panels/compare/{}/{}", "/panels/compare/{}/{}/" + gene):
        assert queries(template.format(small[0].panel_id, small[1].panel_id)) == queries(
            template.format(large[0].panel_id, large[1].panel_id)
        )
