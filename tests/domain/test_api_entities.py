"""API v1 entity endpoints (§3.1, §3.2, §3.4-3.7, §7, §8 scenarios 4, 7, 11)."""

from urllib.parse import quote

import pytest

from panels.models import GenePanelEntrySnapshot
from panels.services.entities import EntityFields, add_entity, get_entity, set_tags
from panels.services.reviews import ReviewFields, submit_review

from .conftest import GREEN_SOURCE, add_region, add_str
from .test_api_panels import assert_panel_object

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

GENE_KEYS = [
    "gene_data",
    "entity_type",
    "entity_name",
    "confidence_level",
    "penetrance",
    "mode_of_pathogenicity",
    "publications",
    "evidence",
    "phenotypes",
    "mode_of_inheritance",
    "tags",
    "transcript",
    "panel",
]
STR_KEYS = [
    "gene_data",
    "entity_type",
    "entity_name",
    "confidence_level",
    "penetrance",
    "publications",
    "evidence",
    "phenotypes",
    "mode_of_inheritance",
    "repeated_sequence",
    "chromosome",
    "grch37_coordinates",
    "grch38_coordinates",
    "normal_repeats",
    "pathogenic_repeats",
    "tags",
    "panel",
]
REGION_KEYS = [
    "gene_data",
    "entity_type",
    "entity_name",
    "verbose_name",
    "confidence_level",
    "penetrance",
    "mode_of_pathogenicity",
    "haploinsufficiency_score",
    "triplosensitivity_score",
    "required_overlap_percentage",
    "type_of_variants",
    "publications",
    "evidence",
    "phenotypes",
    "mode_of_inheritance",
    "chromosome",
    "grch37_coordinates",
    "grch38_coordinates",
    "tags",
    "panel",
]
GENE_DATA_KEYS = {
    "gene_symbol",
    "gene_name",
    "ensembl_genes",
    "omim_gene",
    "alias",
    "biotype",
    "alias_name",
    "hgnc_symbol",
    "hgnc_date_symbol_changed",
    "hgnc_release",
    "hgnc_id",
}
EVALUATION_KEYS = [
    "created",
    "rating",
    "mode_of_pathogenicity",
    "publications",
    "phenotypes",
    "moi",
    "current_diagnostic",
    "clinically_relevant",
]


@pytest.fixture
def panel(make_panel, curator):
    snapshot = make_panel("Neurology", genes=["BRCA1", "TP53"])
    add_str(snapshot, curator)
    add_region(snapshot, curator)
    return snapshot


def test_gene_str_and_region_objects_have_the_exact_keys_and_types(api, panel):
    pid = panel.panel_id
    [gene] = api.json(f"panels/{pid}/genes/", entity_name="BRCA1")["results"]
    assert list(gene) == GENE_KEYS
    assert set(gene["gene_data"]) == GENE_DATA_KEYS
    assert gene["gene_data"]["ensembl_genes"]["GRch38"]["90"]["ensembl_id"] == "ENSG00000012048"
    assert gene["entity_type"] == "gene" and gene["confidence_level"] == "3"
    assert gene["evidence"] == [GREEN_SOURCE]
    assert isinstance(gene["publications"], list) and isinstance(gene["phenotypes"], list)
    assert_panel_object(gene["panel"])

    [str_] = api.json(f"panels/{pid}/strs/")["results"]
    assert list(str_) == STR_KEYS
    assert str_["entity_type"] == "str" and str_["chromosome"] == "4"
    assert str_["grch37_coordinates"] == [3076604, 3076660] and str_["grch38_coordinates"] == [3074877, 3074933]
    assert str_["normal_repeats"] == 35 and str_["pathogenic_repeats"] == 40
    assert str_["gene_data"]["gene_symbol"] == "HTT"

    [region] = api.json(f"panels/{pid}/regions/")["results"]
    assert list(region) == REGION_KEYS
    assert region["grch37_coordinates"] is None and region["grch38_coordinates"] == [29638676, 30188531]
    assert region["confidence_level"] == "2" and region["type_of_variants"] == "cnv_loss"
    assert region["haploinsufficiency_score"] == "3" and region["required_overlap_percentage"] == 60

    detail = api.json(f"panels/{pid}/")
    assert [list(g) for g in detail["genes"]] == [[k for k in GENE_KEYS if k != "panel"]] * 2
    assert list(detail["strs"][0]) == [k for k in STR_KEYS if k != "panel"]
    assert list(detail["regions"][0]) == [k for k in REGION_KEYS if k != "panel"]


def test_nested_lists_filter_by_name_confidence_and_tags_and_order_by_name(api, panel, curator, reviewer):
    pid = panel.panel_id
    flagged = add_entity(panel, reviewer, "gene", EntityFields(gene_symbol="APC", sources=["Literature"]))
    set_tags(panel, get_entity(panel, "gene", "TP53"), curator, ["adult-onset", "watchlist_moi"])
    set_tags(panel, get_entity(panel, "gene", "BRCA1"), curator, ["adult-onset"])
    GenePanelEntrySnapshot.objects.filter(gene_core_id="BRCA1").update(saved_gel_status=4)  # legacy green

    def names(body):
        return [g["entity_name"] for g in body["results"]]

    assert names(api.json(f"panels/{pid}/genes/")) == ["APC", "BRCA1", "TP53"]
    assert names(api.json(f"panels/{pid}/genes/", entity_name="TP53,APC")) == ["APC", "TP53"]
    assert names(api.json(f"panels/{pid}/genes/", confidence_level="3")) == ["BRCA1", "TP53"]  # 3 means >= 3
    assert names(api.json(f"panels/{pid}/genes/", confidence_level="0")) == [flagged.name]
    assert names(api.json(f"panels/{pid}/genes/", tags="adult-onset")) == ["BRCA1", "TP53"]
    assert names(api.json(f"panels/{pid}/genes/", tags="adult-onset,watchlist_moi")) == ["TP53"]
    for bad in ("5", "green", "-1"):
        response = api.get(f"panels/{pid}/genes/", confidence_level=bad)
        assert response.status_code == 400 and "confidence_level" in response.json()["detail"]


def test_nested_lists_of_an_earlier_version_come_from_the_snapshot(api, panel, curator):
    pid = panel.panel_id
    old = panel.version
    add_entity(panel, curator, "gene", EntityFields(gene_symbol="PALB2", sources=[GREEN_SOURCE]))
    historical = api.json(f"panels/{pid}/genes/", version=old)
    assert [g["entity_name"] for g in historical["results"]] == ["BRCA1", "TP53"]
    assert all("panel" not in g for g in historical["results"])  # stored JSON has no panel key
    assert [g["entity_name"] for g in api.json(f"panels/{pid}/genes/", version=old, entity_name="TP53")["results"]] == [
        "TP53"
    ]
    assert api.json(f"panels/{pid}/genes/", version=old, confidence_level="1")["count"] == 0
    assert api.json(f"panels/{pid}/strs/", version=old)["count"] == 1
    assert api.get(f"panels/{pid}/genes/", version="0.99").status_code == 404


def test_nested_lists_resolve_retired_panels_and_internal_ones_for_curators_only(api, make_panel):
    # PanelApp GE serves internal panels here to anyone; internal panels are curators' only
    # everywhere (panels.visibility, tests/security/test_visibility.py).
    internal = make_panel("Internal", genes=["BRCA1"], status="internal")
    retired = make_panel("Retired", genes=["TP53"], status="retired")
    assert api.get(f"panels/{internal.panel_id}/genes/").status_code == 404
    assert api.json(f"panels/{retired.panel_id}/genes/")["count"] == 1
    assert api.get("panels/99999/genes/").status_code == 404


def test_evaluations_of_an_entity(api, panel, reviewer):
    brca1 = get_entity(panel, "gene", "BRCA1")
    submit_review(panel, brca1, reviewer, ReviewFields(rating="GREEN", comment="ok", phenotypes=["Breast cancer"]))
    version_before = panel.version
    panel.refresh_from_db()
    assert panel.version == version_before  # reviews never bump

    body = api.json(f"panels/{panel.panel_id}/genes/BRCA1/evaluations/")
    assert body["count"] == 1
    [evaluation] = body["results"]
    assert list(evaluation) == EVALUATION_KEYS
    assert evaluation["rating"] == "GREEN" and evaluation["phenotypes"] == ["Breast cancer"]
    assert evaluation["current_diagnostic"] is False and evaluation["clinically_relevant"] is None

    current = api.json(f"panels/{panel.panel_id}/genes/BRCA1/evaluations/", version=panel.version)
    assert current["count"] == 1
    for version in ("0.1", "bad"):
        response = api.get(f"panels/{panel.panel_id}/genes/BRCA1/evaluations/", version=version)
        assert response.status_code == 400
        assert response.json() == {"error": "Endpoint doesnt support version parameter"}
    assert api.get(f"panels/{panel.panel_id}/genes/APC/evaluations/").status_code == 404
    assert api.json(f"panels/{panel.panel_id}/strs/HTT_CAG/evaluations/")["count"] == 0


def test_gene_search_is_a_paginated_list_of_public_panels_only(api, make_panel, curator):
    first = make_panel("First", genes=["BRCA1", "TP53"])
    second = make_panel("Second", genes=["BRCA1"], type_slugs=["actionable"])
    make_panel("Hidden", genes=["BRCA1"], status="internal")
    make_panel("Old", genes=["BRCA1"], status="retired")

    body = api.json("genes/BRCA1/")
    assert set(body) == {"count", "next", "previous", "results"}
    assert [(g["panel"]["name"], g["entity_name"]) for g in body["results"]] == [
        ("First", "BRCA1"),
        ("Second", "BRCA1"),
    ]
    assert all(list(g) == GENE_KEYS for g in body["results"])

    both = api.json("genes/BRCA1,TP53/")
    assert [(g["panel"]["id"], g["entity_name"]) for g in both["results"]] == [
        (first.panel_id, "BRCA1"),
        (first.panel_id, "TP53"),
        (second.panel_id, "BRCA1"),
    ]
    assert api.json("genes/", entity_name="TP53")["count"] == 1
    assert [g["panel"]["name"] for g in api.json("genes/", type="actionable")["results"]] == ["Second"]
    assert [g["entity_name"] for g in api.json("genes/", panel_name="First")["results"]] == ["BRCA1", "TP53"]
    assert api.json("genes/NOTAGENE/") == {"count": 0, "next": None, "previous": None, "results": []}
    assert api.json("genes/BRCA1.json")["count"] == 2  # format suffix


def test_entity_names_may_hold_dots_spaces_and_symbols(api, make_panel, curator):
    snapshot = make_panel("Repeats", genes=[])
    add_str(snapshot, curator, name="FXN_GAA.1")
    add_region(snapshot, curator, name="ISCA 37390 $~@#-")
    assert [s["entity_name"] for s in api.json("strs/FXN_GAA.1/")["results"]] == ["FXN_GAA.1"]
    assert api.json(f"panels/{snapshot.panel_id}/strs/FXN_GAA.1/evaluations/")["count"] == 0
    encoded = quote("ISCA 37390 $~@#-", safe="")  # as any HTTP client sends it
    assert [r["entity_name"] for r in api.json(f"regions/{encoded}/")["results"]] == ["ISCA 37390 $~@#-"]


def test_entities_endpoint_mixes_types_in_a_stable_order(api, make_panel, curator):
    a = make_panel("Alpha", genes=["TP53", "BRCA1"])
    add_str(a, curator)
    b = make_panel("Beta", genes=["HTT"])
    add_region(b, curator)
    body = api.json("entities/")
    assert [(e["panel"]["name"], e["entity_type"], e["entity_name"]) for e in body["results"]] == [
        ("Alpha", "gene", "BRCA1"),
        ("Alpha", "str", "HTT_CAG"),
        ("Alpha", "gene", "TP53"),
        ("Beta", "gene", "HTT"),
        ("Beta", "region", "ISCA-37390-Loss"),
    ]
    assert list(body["results"][1]) == STR_KEYS and list(body["results"][4]) == REGION_KEYS
    assert [e["entity_type"] for e in api.json("entities/HTT,HTT_CAG/")["results"]] == ["str", "gene"]


def test_entity_search_paging_is_stable_across_pages(api, make_panel, curator, genes):
    from panels.models import Gene

    symbols = list(Gene.objects.active().values_list("gene_symbol", flat=True)[:60])
    make_panel("Big one", genes=symbols, sources=["Literature"])
    make_panel("Big two", genes=symbols, sources=["Literature"])
    first = api.json("genes/")
    second = api.json("genes/", page=2)
    seen = [(g["panel"]["name"], g["entity_name"]) for g in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) == 120
    assert seen == sorted(seen, key=lambda item: (item[0] != "Big one", item[1]))


def test_reviewer_suggestion_is_grey_and_left_out_of_the_public_detail_until_approved(api, panel, reviewer):
    add_entity(panel, reviewer, "gene", EntityFields(gene_symbol="PTEN", sources=["Literature"]))
    [pten] = api.json(f"panels/{panel.panel_id}/genes/", entity_name="PTEN")["results"]
    assert pten["confidence_level"] == "0"
    assert pten["evidence"] == ["Literature"]
