"""Exact API data (issue 12): gene_data as imported, key orders, version strings, the panel's
description, child panels and types, HGNC ids for symbols, comments in reviews, long tags."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from panels.models import Gene, GenePanelEntrySnapshot, HistoricalSnapshot, Region
from panels.services.entities import EntityFields, add_entity, get_entity, set_tags
from panels.services.panels import PanelFields, create_panel
from panels.services.reviews import ReviewFields, submit_review

from . import exact_scenario
from .exact_scenario import PANEL_KEYS, RECORD, get, keys, ordered

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def exact(curator, genes):
    return exact_scenario.build(curator)


@pytest.fixture
def texts(client, exact):
    return exact_scenario.answers(client, exact)


def _gene(items, symbol="ZZORDER1"):
    [item] = [i for i in items if get(i, "entity_name") == symbol]
    return item


def test_gene_data_is_the_record_as_imported_everywhere(texts):
    """Its own keys in its own order (nested too), its nulls, its strings as written; without
    the table's own flag, with a key PanelApp's records do not have."""
    expected = ordered(json.dumps(RECORD))
    detail = ordered(texts["detail"])
    assert get(_gene(get(detail, "genes")), "gene_data") == expected
    for name in ("panel_genes", "gene_search", "gene_by_hgnc", "historical_genes"):
        [item] = get(ordered(texts[name]), "results")
        assert get(item, "gene_data") == expected, name
    historical = ordered(texts["historical"])
    assert get(_gene(get(historical, "genes")), "gene_data") == expected
    gene_data = get(_gene(get(detail, "genes")), "gene_data")
    assert get(gene_data, "hgnc_release") == "2017-11-03T00:00:00"
    assert get(gene_data, "alias_name") is None and get(gene_data, "omim_gene") is None
    # The table still has the parsed values for its own use.
    gene = Gene.objects.get(gene_symbol="ZZORDER1")
    assert str(gene.hgnc_release) == "2017-11-03" and str(gene.hgnc_date_symbol_changed) == "2017-11-03"


def test_a_fixture_record_gives_gene_data_in_its_own_order_with_arrays_decoded(api, make_panel):
    """The sample file is PanelApp's fixture format: ``pk`` first as gene_symbol, then its fields
    in their order, the JSON-encoded arrays read back as arrays, ``active`` left out."""
    snapshot = make_panel("Fixture genes", genes=["BRCA1"])
    from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file

    [record] = [r for r in read_json_file(SAMPLE_GENES_FILE) if r["pk"] == "BRCA1"]
    response = api.get(f"panels/{snapshot.panel_id}/")
    [gene] = get(ordered(response.content.decode()), "genes")
    gene_data = get(gene, "gene_data")
    assert keys(gene_data) == ["gene_symbol", *[k for k in record["fields"] if k != "active"]]
    assert get(gene_data, "omim_gene") == ["113705"] and get(gene_data, "alias_name") == []
    assert get(gene_data, "hgnc_id") == "HGNC:1100"


def test_entities_that_never_had_a_mode_of_pathogenicity_answer_null(texts):
    detail = json.loads(texts["detail"])
    assert {g["entity_name"]: g["mode_of_pathogenicity"] for g in detail["genes"]}["ZZORDER1"] is None
    assert [r["mode_of_pathogenicity"] for r in detail["regions"]] == [None]
    assert json.loads(texts["panel_regions"])["results"][0]["mode_of_pathogenicity"] is None
    assert Region.objects.filter(mode_of_pathogenicity="").count() == 0


def test_nested_panel_comes_after_transcript_in_entity_lists(texts):
    for name in ("panel_genes", "gene_search"):
        [item] = get(ordered(texts[name]), "results")
        assert keys(item)[-2:] == ["transcript", "panel"], name
        assert keys(get(item, "panel")) == PANEL_KEYS
    for name in ("panel_strs", "panel_regions"):
        [item] = get(ordered(texts[name]), "results")
        assert keys(item)[-2:] == ["tags", "panel"], name


def test_historical_and_signed_off_answers_keep_the_live_key_order(texts):
    live = ordered(texts["detail"])
    historical = ordered(texts["historical"])
    assert keys(live) == PANEL_KEYS + ["genes", "strs", "regions"]
    assert keys(historical) == keys(live) + ["signed_off"]
    for kind in ("genes", "strs", "regions"):
        assert keys(get(historical, kind)[0]) == keys(get(live, kind)[0]), kind
    [latest] = get(ordered(texts["signed_off"]), "results")
    assert keys(latest) == PANEL_KEYS + ["signed_off"]
    detail = ordered(texts["signed_off_detail"])
    assert keys(detail) == keys(live) + ["signed_off"]


def test_signed_off_versions_are_strings(texts):
    [latest] = json.loads(texts["signed_off"])["results"]
    assert latest["version"] == "1.10" and latest["signed_off"] == "2024-03-01"
    assert [i["version"] for i in json.loads(texts["signed_off_all"])["results"]] == ["1.10"]
    assert json.loads(texts["signed_off_detail"])["version"] == "1.10"
    assert json.loads(texts["historical"])["version"] == "1.9"


def test_a_panel_lists_its_types_in_its_own_order(texts):
    for name in ("detail", "historical", "panels"):
        data = json.loads(texts[name])
        panel = data["results"][0] if "results" in data else data
        assert [t["slug"] for t in panel["types"]] == exact_scenario.TYPES_IN_PANEL_ORDER, name


def test_the_panel_object_has_its_description_and_child_panel_ids(api, make_panel, curator, texts):
    detail = json.loads(texts["detail"])
    assert detail["description"] == "Why" and detail["child_panel_ids"] == []
    first = make_panel("Child one", genes=["BRCA1"])
    second = make_panel("Child two", genes=["TP53"])
    parent = create_panel(
        curator, PanelFields(name="Super", status="public", child_panel_ids=[second.panel_id, first.panel_id])
    )
    data = api.json(f"panels/{parent.panel_id}/")
    assert sorted(data["child_panel_ids"]) == sorted([first.panel_id, second.panel_id])
    assert all(g["panel"]["child_panel_ids"] == [] for g in data["genes"])
    listed = {p["id"]: p for p in api.json("panels/")["results"]}
    assert sorted(listed[parent.panel_id]["child_panel_ids"]) == sorted([first.panel_id, second.panel_id])
    assert listed[first.panel_id]["child_panel_ids"] == []


def test_identical_answers_on_sqlite_and_postgresql(tmp_path, texts):
    """The embedded default (SQLite) answers the same scenario with the same keys in the same
    order and the same values, ids and times aside."""
    from tests.runtime.conftest import command_env

    script = Path(__file__).with_name("sqlite_exact.py")
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "state")],
        env=command_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    on_sqlite = json.loads(done.stdout.strip().splitlines()[-1])
    on_postgresql = json.loads(json.dumps({name: exact_scenario.comparable(text) for name, text in texts.items()}))
    assert set(on_sqlite) == set(on_postgresql)
    for name in on_postgresql:
        assert on_sqlite[name] == on_postgresql[name], name


def test_stored_versions_keep_their_key_order_in_the_database(exact):
    """PostgreSQL's jsonb would sort keys by length; the json column keeps them as written."""
    stored = HistoricalSnapshot.objects.get(panel_id=exact, major_version=1, minor_version=9)
    assert list(stored.data) == PANEL_KEYS + ["genes", "strs", "regions"]
    entity = GenePanelEntrySnapshot.objects.get(panel__panel_id=exact, gene_core_id="ZZORDER1")
    assert list(entity.gene) == list(RECORD)


def test_genes_are_found_by_hgnc_id_wherever_a_symbol_is(api, texts, exact, reviewer):
    by_symbol = json.loads(texts["gene_search"])
    assert json.loads(texts["gene_by_hgnc"]) == by_symbol
    assert api.json("genes/", entity_name="HGNC:99901")["results"] == by_symbol["results"]
    assert api.json("genes/", entity_name="hgnc:99901")["count"] == 1
    assert [g["entity_name"] for g in api.json(f"panels/{exact}/genes/", entity_name="HGNC:1100")["results"]] == [
        "BRCA1"
    ]
    assert [e["entity_name"] for e in api.json("entities/HGNC:1100,HGNC:99901/")["results"]] == ["BRCA1", "ZZORDER1"]
    historical = api.json(f"panels/{exact}/genes/", version="1.9", entity_name="HGNC:99901")["results"]
    assert [g["entity_name"] for g in historical] == ["ZZORDER1"]
    assert api.json(f"panels/{exact}/genes/HGNC:99901/evaluations/") == api.json(
        f"panels/{exact}/genes/ZZORDER1/evaluations/"
    )
    assert api.json("genes/HGNC:424242/")["count"] == 0  # no gene has it: nothing matches
    assert api.get(f"panels/{exact}/genes/HGNC:424242/evaluations/").status_code == 404


def test_reviews_carry_their_comments_on_request(api, make_panel, reviewer, curator):
    snapshot = make_panel("Reviewed", genes=["BRCA1"])
    gene = get_entity(snapshot, "gene", "BRCA1")
    submit_review(snapshot, gene, reviewer, ReviewFields(rating="GREEN", comment="first thought"))
    submit_review(snapshot, gene, reviewer, ReviewFields(rating="GREEN", comment="second thought"))
    submit_review(snapshot, gene, curator, ReviewFields(rating="AMBER"))
    url = f"panels/{snapshot.panel_id}/genes/BRCA1/evaluations/"
    plain = api.json(url)["results"]
    assert all("comments" not in r for r in plain)
    assert all("comments" not in r for r in api.json(url, include_comments="false")["results"])
    with_comments = api.json(url, include_comments="true")["results"]
    assert [list(r) for r in with_comments] == [list(r) + ["comments"] for r in plain]
    by_rating = {r["rating"]: r["comments"] for r in with_comments}
    assert by_rating["AMBER"] == []
    assert [c["comment"] for c in by_rating["GREEN"]] == ["second thought", "first thought"]
    assert all(list(c) == ["comment", "user_name", "created"] for c in by_rating["GREEN"])
    assert {c["user_name"] for c in by_rating["GREEN"]} == {reviewer.get_full_name()}


def test_review_comments_cost_the_same_queries_for_one_review_or_many(client, make_panel, curator, genes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import make_user

    snapshot = make_panel("Counted", genes=["BRCA1", "TP53"])
    for index in range(6):
        user = make_user(f"rev{index}", "REVIEWER")
        symbol = "BRCA1" if index == 0 else "TP53"
        entity = get_entity(snapshot, "gene", symbol)
        submit_review(snapshot, entity, user, ReviewFields(rating="GREEN", comment=f"note {index}"))

    def count(symbol: str) -> int:
        url = f"/api/v1/panels/{snapshot.panel_id}/genes/{symbol}/evaluations/?include_comments=true"
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, HTTP_ACCEPT="application/json").status_code == 200
        return len(captured.captured_queries)

    assert count("BRCA1") == count("TP53")


def test_tag_names_may_be_255_characters_long(api, make_panel, curator):
    snapshot = make_panel("Tagged", genes=["BRCA1"])
    entity = get_entity(snapshot, "gene", "BRCA1")
    long_tag = "t" * 255
    set_tags(snapshot, entity, curator, [long_tag])
    [gene] = api.json(f"panels/{snapshot.panel_id}/genes/")["results"]
    assert gene["tags"] == [long_tag]
    with pytest.raises(ValidationError, match="at most 255 characters"):
        set_tags(snapshot, entity, curator, ["t" * 256])
    with pytest.raises(ValidationError, match="at most 255 characters"):
        add_entity(
            snapshot, curator, "gene", EntityFields(gene_symbol="TP53", sources=["Literature"], tags=["x" * 300])
        )


def test_child_panel_ids_cost_the_same_queries_for_one_super_panel_or_many(client, make_panel, curator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    children = [make_panel(f"Child {i}", genes=["BRCA1"], type_slugs=["reference", "actionable"]) for i in range(4)]

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, HTTP_ACCEPT="application/json").status_code == 200
        return len(captured.captured_queries)

    create_panel(curator, PanelFields(name="Super 0", status="public", child_panel_ids=[children[0].panel_id]))
    one = (count("/api/v1/panels/"), count("/api/v1/genes/BRCA1/"), count("/api/v1/entities/"))
    for i in range(1, 4):
        create_panel(
            curator, PanelFields(name=f"Super {i}", status="public", child_panel_ids=[c.panel_id for c in children])
        )
    assert (count("/api/v1/panels/"), count("/api/v1/genes/BRCA1/"), count("/api/v1/entities/")) == one


def test_a_gene_data_upload_gives_entities_the_uploaded_record(api, make_panel, curator):
    from panels.imports.genes_json import import_genes_json

    snapshot = make_panel("Uploaded genes", genes=["BRCA1"])
    record = {
        "hgnc_symbol": "BRCA1",
        "gene_symbol": "BRCA1",
        "hgnc_id": "HGNC:1100",
        "hgnc_release": "2019-01-01T00:00:00",
        "gene_name": "BRCA1 DNA repair associated",
        "omim_gene": None,
        "ensembl_genes": {"GRch38": {"90": {"ensembl_id": "ENSG00000012048", "location": "17:43044295-43125483"}}},
        "alias": [],
        "alias_name": None,
        "biotype": "protein_coding",
        "hgnc_date_symbol_changed": None,
    }
    import_genes_json(json.dumps({"update": [record]}).encode(), curator)
    response = api.get(f"panels/{snapshot.panel_id}/genes/")
    [gene] = get(ordered(response.content.decode()), "results")
    assert get(gene, "gene_data") == ordered(json.dumps(record))
