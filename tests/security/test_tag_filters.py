"""F1: ``?tags=`` is matched in one bounded query, never one join per tag."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panels.selectors.entities import MAX_TAGS
from panels.services.entities import get_entity, set_tags

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROUTES = ["panels/{pid}/genes/", "genes/", "entities/", "genes/BRCA1,TP53/"]


@pytest.fixture
def panel(make_panel, curator):
    snapshot = make_panel("Tagged", genes=["BRCA1", "TP53"])
    set_tags(snapshot, get_entity(snapshot, "gene", "TP53"), curator, ["adult-onset", "watchlist_moi"])
    set_tags(snapshot, get_entity(snapshot, "gene", "BRCA1"), curator, ["adult-onset"])
    return snapshot


def names(body):
    return sorted(item["entity_name"] for item in body["results"])


@pytest.mark.parametrize("route", ROUTES)
def test_every_tag_must_match_and_duplicates_count_once(api, panel, route):
    path = route.format(pid=panel.panel_id)
    assert names(api.json(path, tags="adult-onset,watchlist_moi")) == ["TP53"]
    assert names(api.json(path, tags="adult-onset,adult-onset, adult-onset")) == ["BRCA1", "TP53"]
    assert names(api.json(path, tags="watchlist_moi,watchlist_moi,adult-onset")) == ["TP53"]
    assert names(api.json(path, tags="adult-onset,missing")) == []


@pytest.mark.parametrize("route", ROUTES)
def test_the_number_of_tags_does_not_change_the_sql(api, panel, route):
    """No query grows with the number of tags: as many joins for the maximum as for one tag."""
    path = route.format(pid=panel.panel_id)

    def joins(tags):
        with CaptureQueriesContext(connection) as queries:
            api.json(path, tags=",".join(tags))
        return max(q["sql"].count("JOIN") for q in queries.captured_queries)

    many = ["adult-onset"] + [f"t{i}" for i in range(MAX_TAGS - 1)]
    assert joins(many) <= joins(["adult-onset"])


@pytest.mark.parametrize("route", ROUTES)
def test_too_many_tags_is_a_fast_400_naming_the_limit(api, panel, route):
    path = route.format(pid=panel.panel_id)
    started = time.monotonic()
    response = api.get(path, tags=",".join(f"t{i}" for i in range(600)))
    assert response.status_code == 400
    assert f"at most {MAX_TAGS} tags" in response.json()["detail"]
    assert time.monotonic() - started < 2
    # Repeating one tag is not many tags.
    assert api.get(path, tags=",".join(["adult-onset"] * 600)).status_code == 200


def test_historical_versions_filter_tags_the_same_way(api, panel, curator):
    from panels.services.entities import EntityFields, add_entity

    before = f"{panel.major_version}.{panel.minor_version}"
    add_entity(panel, curator, "gene", EntityFields(gene_symbol="BRCA2", sources=["Expert Review Green"]))
    body = api.json(f"panels/{panel.panel_id}/genes/", version=before, tags="adult-onset,adult-onset,watchlist_moi")
    assert names(body) == ["TP53"]
