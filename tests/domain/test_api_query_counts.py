"""The number of SQL queries per API request is fixed: it does not grow with the page size or
with the number of genes on a panel."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panels.models import Gene
from panels.services.entities import get_entity, set_tags
from panels.services.panels import PanelFields, create_panel
from panels.services.reviews import ReviewFields, submit_review

from .conftest import add_region, add_str

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, (url, response.content[:300])
    return len(captured.captured_queries)


@pytest.fixture
def small_and_large(make_panel, curator, reviewer):
    """Two panels alike in everything but size: 3 genes against 60."""
    symbols = list(Gene.objects.active().order_by("gene_symbol").values_list("gene_symbol", flat=True))
    small = make_panel("Small", genes=symbols[:3], type_slugs=["actionable", "reference"])
    large = make_panel("Large", genes=symbols[3:63], type_slugs=["actionable", "reference"])
    for snapshot in (small, large):
        add_str(snapshot, curator)
        add_region(snapshot, curator)
        for entity in snapshot.genepanelentrysnapshot_set.all():
            set_tags(snapshot, entity, curator, ["adult-onset", "watchlist_moi"])
        submit_review(
            snapshot,
            get_entity(snapshot, "gene", symbols[3] if snapshot is large else symbols[0]),
            reviewer,
            ReviewFields(rating="GREEN"),
        )
    return small, large


def test_panel_detail_costs_the_same_for_3_or_60_genes(client, small_and_large):
    small, large = small_and_large
    assert queries_for(client, f"/api/v1/panels/{small.panel_id}/") == queries_for(
        client, f"/api/v1/panels/{large.panel_id}/"
    )
    assert queries_for(client, f"/api/v1/panels/{large.panel_id}/") <= 12


def test_nested_and_search_lists_cost_the_same_for_any_page_size(client, small_and_large):
    small, large = small_and_large
    for template in ("/api/v1/panels/{}/genes/", "/api/v1/panels/{}/genes/?tags=adult-onset"):
        assert queries_for(client, template.format(small.panel_id)) == queries_for(
            client, template.format(large.panel_id)
        )
    # 3+60 gene rows: page 1 has 63; searching one panel's genes by name gives a page of 3 rows
    assert queries_for(client, "/api/v1/genes/") == queries_for(client, "/api/v1/genes/?panel_name=Small")
    assert queries_for(client, "/api/v1/entities/") == queries_for(client, "/api/v1/entities/?panel_name=Small")


def test_panel_list_and_activity_feed_cost_the_same_for_few_or_many(client, curator, genes):
    for n in range(3):
        create_panel(curator, PanelFields(name=f"Few {n}", status="public", type_slugs=["actionable"]))
    few_panels = queries_for(client, "/api/v1/panels/")
    few_activities = queries_for(client, "/api/v1/activities/")
    for n in range(40):
        create_panel(curator, PanelFields(name=f"Many {n}", status="public", type_slugs=["actionable", "reference"]))
    assert queries_for(client, "/api/v1/panels/") == few_panels
    assert queries_for(client, "/api/v1/activities/") == few_activities


def test_super_panel_detail_costs_the_same_for_small_or_large_children(client, curator, small_and_large):
    small, large = small_and_large
    tiny_super = create_panel(
        curator, PanelFields(name="Super small", status="public", child_panel_ids=[small.panel_id])
    )
    big_super = create_panel(
        curator, PanelFields(name="Super big", status="public", child_panel_ids=[small.panel_id, large.panel_id])
    )
    assert queries_for(client, f"/api/v1/panels/{tiny_super.panel_id}/") == queries_for(
        client, f"/api/v1/panels/{big_super.panel_id}/"
    )


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(captured.captured_queries)


def test_panel_page_costs_the_same_for_3_or_60_genes(client, small_and_large, curator):
    from panels.services.panels import PanelFields, create_panel

    small, large = small_and_large
    assert page_queries(client, f"/panels/{small.panel_id}/") == page_queries(client, f"/panels/{large.panel_id}/")
    tiny_super = create_panel(
        curator, PanelFields(name="Super small", status="public", child_panel_ids=[small.panel_id])
    )
    big_super = create_panel(
        curator, PanelFields(name="Super big", status="public", child_panel_ids=[small.panel_id, large.panel_id])
    )
    assert page_queries(client, f"/panels/{tiny_super.panel_id}/") == page_queries(
        client, f"/panels/{big_super.panel_id}/"
    )


def test_a_gene_costs_the_same_on_1_or_6_panels(client, make_panel, curator):
    make_panel("Only", genes=["TP53"])
    for n in range(6):
        make_panel(f"Breast {n}", genes=["BRCA1"])
    assert queries_for(client, "/api/v1/genes/TP53/") == queries_for(client, "/api/v1/genes/BRCA1/")


def test_the_fast_detail_json_is_exactly_the_panel_detail(curator, small_and_large):
    """The live API answer (built from plain rows, gene copies spliced in as stored) says exactly
    what the model-based builder, which also writes the frozen versions, says."""
    import json

    from panels.models import GenePanelSnapshot
    from panels.representation import panel_detail_dict, panel_detail_json
    from panels.selectors.entities import panel_entities
    from panels.services.panels import create_panel as create

    small, large = small_and_large
    parent = create(
        curator, PanelFields(name="Super", status="public", child_panel_ids=[small.panel_id, large.panel_id])
    )
    for snapshot in (small, large, parent):
        live = GenePanelSnapshot.objects.with_panel().get(pk=snapshot.pk)
        expected = panel_detail_dict(live, panel_entities(live))
        assert json.loads(panel_detail_json(live)) == expected
        assert panel_detail_dict(live) == expected  # from rows, as the frozen versions are written
        assert json.loads(panel_detail_json(live, include_entities=False)) == {
            k: v for k, v in expected.items() if k not in ("genes", "strs", "regions")
        }
    assert len(expected["genes"]) == 63 and expected["strs"] and expected["regions"]


def test_an_edit_stores_the_new_answer_so_no_reader_builds_it(
    client, make_panel, curator, django_capture_on_commit_callbacks
):
    """After a change commits, the panel's detail is read whole from one stored row: no worker
    rebuilds it, and the row is of the new version, never the old one."""
    from django.core.cache import cache

    from panels.models import PanelAnswer

    snapshot = make_panel("Stored", genes=["BRCA1", "TP53"])
    entity = get_entity(snapshot, "gene", "TP53")
    with django_capture_on_commit_callbacks(execute=True):
        set_tags(snapshot, entity, curator, ["adult-onset"])
    answer = PanelAnswer.objects.get(snapshot=snapshot)
    cache.clear()  # another worker, whose cache knows nothing of the change
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/panels/{snapshot.panel_id}/", HTTP_ACCEPT="application/json")
    assert response.content == bytes(answer.body)
    assert [g["tags"] for g in response.json()["genes"] if g["entity_name"] == "TP53"] == [["adult-onset"]]
    assert not any("genepanelentrysnapshot" in q["sql"] for q in captured.captured_queries)

    # A change made without the services leaves no answer for its revision: it is built, not stale.
    from django.utils import timezone

    from panels.models import GenePanelSnapshot

    GenePanelSnapshot.objects.filter(pk=snapshot.pk).update(modified=timezone.now())
    cache.clear()
    assert queries_for(client, f"/api/v1/panels/{snapshot.panel_id}/") > len(captured.captured_queries)


def test_a_refresh_costs_the_same_statements_for_3_or_60_genes(small_and_large):
    """What a writer's commit runs (every changed entity's JSON kept, the answer stored) is a fixed
    number of statements, however many entities changed."""
    from panels import answers
    from panels.models import GenePanelEntrySnapshot, PanelAnswer

    counts = []
    for snapshot in small_and_large:
        GenePanelEntrySnapshot.objects.filter(panel=snapshot).update(moi="BIALLELIC")  # every copy forgotten
        PanelAnswer.objects.filter(snapshot=snapshot).delete()
        with CaptureQueriesContext(connection) as captured:
            answers.refresh([snapshot.pk])
        counts.append(len(captured.captured_queries))
        assert PanelAnswer.objects.filter(snapshot=snapshot).exists()
    assert counts[0] == counts[1], counts
