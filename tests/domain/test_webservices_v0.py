"""The legacy /WebServices/ API as PanelApp v0 answers it (issue 12): list_panels' Types and
default panel types, get_panel's lookup order, super-panel rows in search_genes, list_entities."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panels.services.entities import get_entity, set_rating
from panels.services.panels import PanelFields, create_panel

from .conftest import BIALLELIC, add_region, add_str

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

LIST_PANEL_KEYS = [
    "Name",
    "DiseaseSubGroup",
    "DiseaseGroup",
    "CurrentVersion",
    "CurrentCreated",
    "Number_of_Genes",
    "Number_of_STRs",
    "Number_of_Regions",
    "Panel_Id",
    "Relevant_disorders",
    "Status",
    "PanelTypes",
]
COMMON_ENTITY_KEYS = [
    "GeneSymbol",
    "EntityType",
    "EnsembleGeneIds",
    "ModeOfInheritance",
    "Penetrance",
    "Publications",
    "Phenotypes",
    "LevelOfConfidence",
    "Evidences",
    "Panel",
]
ENTITY_PANEL_KEYS = [
    "Name",
    "DiseaseSubGroup",
    "DiseaseGroup",
    "CurrentVersion",
    "CurrentCreated",
    "Panel_Id",
    "Relevant_disorders",
    "Status",
]


def names(body) -> list[str]:
    return [item["Name"] for item in body["result"]]


@pytest.fixture
def typed(make_panel):
    return (
        make_panel("A rare disease", genes=["BRCA1"], type_slugs=["rare-disease-100k"]),
        make_panel("B actionable", genes=["TP53"], type_slugs=["actionable"]),
        make_panel("C two types", genes=["APC"], type_slugs=["reference", "actionable"]),
    )


def test_list_panels_lists_the_default_panel_types_unless_types_are_given(client, typed, settings):
    def listed(**query) -> list[str]:
        response = client.get("/WebServices/list_panels/", query)
        assert response.status_code == 200
        return names(response.json())

    assert listed() == ["A rare disease"]
    assert listed(Types="actionable") == ["B actionable", "C two types"]
    assert listed(Types="actionable,reference") == ["B actionable", "C two types"]  # each once
    assert listed(Types="all") == ["A rare disease", "B actionable", "C two types"]
    assert listed(Types="") == [] and listed(Types="no-such-type") == []
    assert listed(Types="all", Name="two") == ["C two types"]
    settings.DEFAULT_PANEL_TYPES = ["actionable"]
    assert listed() == ["B actionable", "C two types"]
    [item] = [i for i in client.get("/WebServices/list_panels/").json()["result"] if i["Name"] == "C two types"]
    assert list(item) == LIST_PANEL_KEYS
    assert item["PanelTypes"] == ["reference", "actionable"]  # the panel's own order
    assert (item["Number_of_Genes"], item["Number_of_STRs"], item["Number_of_Regions"]) == (1, 0, 0)


def test_default_panel_types_come_from_the_environment():
    repo = Path(__file__).resolve().parents[2]
    code = "from panelapp.settings import base; print(base.DEFAULT_PANEL_TYPES)"

    def read(value: str | None) -> str:
        env = {k: v for k, v in os.environ.items() if k != "DEFAULT_PANEL_TYPES"}
        if value is not None:
            env["DEFAULT_PANEL_TYPES"] = value
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=repo / "app", env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    assert read(None) == "['rare-disease-100k']"
    assert read("actionable, reference ,") == "['actionable', 'reference']"


def test_get_panel_with_digits_looks_up_names_before_the_id_as_panelapp_v0(client, make_panel):
    target = make_panel("Target panel", genes=["BRCA1"])
    digits = str(target.panel_id)

    def found(**query) -> str:
        response = client.get(f"/WebServices/get_panel/{digits}/", query)
        assert response.status_code == 200, response.content
        return response.json()["result"]["SpecificDiseaseName"]

    assert found() == "Target panel"
    make_panel(f"Panel holding {digits} in its name", genes=["TP53"])
    assert found() == f"Panel holding {digits} in its name"  # a part of a name, before the id
    make_panel(digits, genes=["APC"])
    assert found() == digits  # the exact name first
    # With a version PanelApp v0 goes to the id first.
    assert found(version=target.version) == "Target panel"
    assert client.get(f"/WebServices/get_panel/{digits}9999/").status_code == 404


def test_search_genes_adds_a_row_for_each_super_panel(client, make_panel, curator):
    child = make_panel("Child panel", genes=["BRCA1", "TP53"])
    other = make_panel("Other child", genes=["BRCA1"])
    parent = create_panel(
        curator, PanelFields(name="Super panel", status="public", child_panel_ids=[child.panel_id, other.panel_id])
    )
    create_panel(curator, PanelFields(name="Internal super", status="internal", child_panel_ids=[child.panel_id]))
    body = client.get("/WebServices/search_genes/BRCA1/").json()
    rows = [(r["SpecificDiseaseName"], r["version"]) for r in body["results"]]
    parent.refresh_from_db()
    assert rows == [
        ("Child panel", child.version),
        ("Other child", other.version),
        ("Super panel", parent.version),
        ("Super panel", parent.version),
    ]
    assert body["meta"]["numOfResults"] == 4
    assert list(body["results"][2])[-1] == "Evidences" and body["results"][2]["GeneSymbol"] == "BRCA1"
    by_hgnc = client.get("/WebServices/search_genes/HGNC:1100/").json()
    assert by_hgnc == body
    only_child = client.get("/WebServices/search_genes/TP53/").json()
    assert [r["SpecificDiseaseName"] for r in only_child["results"]] == ["Child panel", "Super panel"]


@pytest.fixture
def entities(make_panel, curator):
    first = make_panel("First entities", genes=["BRCA1", "TP53"], relevant_disorders=["R1"])
    second = make_panel("Second entities", genes=["BRCA1"], moi=BIALLELIC, sources=("Literature",))
    set_rating(first, get_entity(first, "gene", "TP53"), curator, 2)
    add_str(first, curator)
    add_region(first, curator)
    return first, second


def test_list_entities_lists_every_kind_with_v0_keys(client, entities):
    first, second = entities
    body = client.get("/WebServices/list_entities/").json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 5 and body["next"] is None
    items = body["results"]
    assert [(i["Panel"]["Name"], i["EntityType"], i.get("Name") or i["GeneSymbol"]) for i in items] == [
        ("First entities", "gene", "BRCA1"),
        ("First entities", "str", "HTT_CAG"),
        ("First entities", "region", "ISCA-37390-Loss"),
        ("First entities", "gene", "TP53"),
        ("Second entities", "gene", "BRCA1"),
    ]
    gene, str_item, region = items[0], items[1], items[2]
    assert list(gene) == COMMON_ENTITY_KEYS + ["ModeOfPathogenicity"]
    assert list(str_item) == COMMON_ENTITY_KEYS + [
        "Name",
        "Chromosome",
        "GRCh37Coordinates",
        "GRCh38Coordinates",
        "RepeatedSequence",
        "NormalRepeats",
        "PathogenicRepeats",
    ]
    assert list(region) == COMMON_ENTITY_KEYS + [
        "Name",
        "VerboseName",
        "Chromosome",
        "GRCh37Coordinates",
        "GRCh38Coordinates",
        "HaploinsufficiencyScore",
        "TriplosensitivityScore",
        "RequiredOverlapPercentage",
    ]
    assert list(gene["Panel"]) == ENTITY_PANEL_KEYS
    assert gene["Panel"]["Panel_Id"] == str(first.panel_id) and gene["Panel"]["Relevant_disorders"] == ["R1"]
    assert gene["EnsembleGeneIds"] == ["ENSG00000012048"] and gene["ModeOfInheritance"] == "monoallelic_not_imprinted"
    assert region["EnsembleGeneIds"] is None and region["GeneSymbol"] is None
    assert str_item["GeneSymbol"] == "HTT" and str_item["GRCh38Coordinates"] == [3074877, 3074933]


def test_list_entities_filters(client, entities):
    def listed(**query) -> list[tuple[str, str]]:
        response = client.get("/WebServices/list_entities/", query)
        assert response.status_code == 200, response.content
        return [(i["Panel"]["Name"], i.get("Name") or i["GeneSymbol"]) for i in response.json()["results"]]

    assert listed(entity_name="BRCA1") == [("First entities", "BRCA1"), ("Second entities", "BRCA1")]
    assert listed(entity_name="HGNC:1100") == listed(entity_name="BRCA1")
    assert listed(entity_name="BRCA1", panel_name="Second entities") == [("Second entities", "BRCA1")]
    assert listed(ModeOfInheritance="biallelic") == [("Second entities", "BRCA1")]
    assert listed(LevelOfConfidence="ModerateEvidence") == [
        ("First entities", "ISCA-37390-Loss"),
        ("First entities", "TP53"),
    ]
    assert listed(LevelOfConfidence="LowEvidence") == [("Second entities", "BRCA1")]
    assert listed(Evidences="literature") == [("Second entities", "BRCA1")]
    assert listed(Evidences="Literature") == listed(Evidences="literature")
    assert listed(Penetrance="Complete") == []
    bad = client.get("/WebServices/list_entities/", {"LevelOfConfidence": "Green"})
    assert bad.status_code == 400 and "LevelOfConfidence" in bad.json()["detail"]


def test_list_entities_pages(client, entities):
    page = client.get("/WebServices/list_entities/", {"page_size": 2}).json()
    assert page["count"] == 5 and len(page["results"]) == 2
    assert page["next"] == "http://testserver/WebServices/list_entities/?page=2&page_size=2"
    last = client.get("/WebServices/list_entities/", {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    everything = [
        i
        for p in (1, 2, 3)
        for i in client.get("/WebServices/list_entities/", {"page_size": 2, "page": p}).json()["results"]
    ]
    assert everything == client.get("/WebServices/list_entities/").json()["results"]
    assert len(client.get("/WebServices/list_entities/", {"page_size": 999}).json()["results"]) == 5
    for query in ({"page": 9}, {"page": "x"}, {"page": 0}):
        assert client.get("/WebServices/list_entities/", query).status_code == 404, query
    assert client.get("/WebServices/list_entities/", {"page_size": "-1"}).status_code == 400


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured.captured_queries)


def test_legacy_lists_cost_the_same_queries_for_few_or_many_rows(client, make_panel, curator, genes):
    from panels.models import Gene

    symbols = list(Gene.objects.active().order_by("gene_symbol").values_list("gene_symbol", flat=True))
    small = make_panel("Small legacy", genes=symbols[:2], type_slugs=["rare-disease-100k"])
    large = make_panel("Large legacy", genes=symbols[2:40], type_slugs=["rare-disease-100k", "actionable"])
    create_panel(curator, PanelFields(name="Super legacy", status="public", child_panel_ids=[small.panel_id]))
    create_panel(curator, PanelFields(name="Super large", status="public", child_panel_ids=[large.panel_id]))
    assert _queries(client, "/WebServices/list_entities/?panel_name=Small legacy") == _queries(
        client, "/WebServices/list_entities/?panel_name=Large legacy"
    )
    assert _queries(client, "/WebServices/search_genes/all/?panel_name=Small legacy") == _queries(
        client, "/WebServices/search_genes/all/?panel_name=Large legacy"
    )
    one = _queries(client, "/WebServices/list_panels/?Types=all&Name=Small legacy")
    assert one == _queries(client, "/WebServices/list_panels/?Types=all")
