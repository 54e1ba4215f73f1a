"""The legacy /WebServices/ API (reference §3.9)."""

import pytest

from panels.services.entities import get_entity, set_rating

from .conftest import add_region, add_str

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

GENE_KEYS = [
    "GeneSymbol",
    "EnsembleGeneIds",
    "ModeOfInheritance",
    "Penetrance",
    "Publications",
    "Phenotypes",
    "ModeOfPathogenicity",
    "LevelOfConfidence",
    "Evidences",
]


@pytest.fixture
def panel(make_panel, curator):
    snapshot = make_panel(
        "Legacy panel",
        genes=["BRCA1", "TP53"],
        relevant_disorders=["R208"],
        level2="Tumour syndromes",
        type_slugs=["rare-disease-100k"],
    )
    set_rating(snapshot, get_entity(snapshot, "gene", "TP53"), curator, 2)
    add_str(snapshot, curator)
    add_region(snapshot, curator)
    snapshot.refresh_from_db()
    return snapshot


def test_list_panels(client, panel, make_panel):
    make_panel("Old legacy", genes=[], status="retired", type_slugs=["rare-disease-100k"])
    body = client.get("/WebServices/list_panels/").json()
    [item] = body["result"]
    assert list(item.items()) == [
        ("Name", "Legacy panel"),
        ("DiseaseSubGroup", ""),
        ("DiseaseGroup", "Tumour syndromes"),
        ("CurrentVersion", panel.version),
        ("CurrentCreated", item["CurrentCreated"]),
        ("Number_of_Genes", 2),
        ("Number_of_STRs", 1),
        ("Number_of_Regions", 1),
        ("Panel_Id", str(panel.panel_id)),
        ("Relevant_disorders", ["R208"]),
        ("Status", "public"),
        ("PanelTypes", ["rare-disease-100k"]),
    ]
    assert len(client.get("/WebServices/list_panels/", {"Retired": "true"}).json()["result"]) == 2
    assert client.get("/WebServices/list_panels/", {"Name": "legacy p"}).json()["result"][0]["Name"] == "Legacy panel"


def test_get_panel_by_name_id_and_disorder_with_filters(client, panel):
    for term in ("Legacy panel", str(panel.panel_id), "R208"):
        result = client.get(f"/WebServices/get_panel/{term}/").json()["result"]
        assert result["SpecificDiseaseName"] == "Legacy panel" and result["version"] == panel.version
    result = client.get("/WebServices/get_panel/Legacy panel/").json()["result"]
    brca1 = next(g for g in result["Genes"] if g["GeneSymbol"] == "BRCA1")
    assert list(brca1) == GENE_KEYS
    assert brca1["ModeOfInheritance"] == "monoallelic_not_imprinted" and brca1["LevelOfConfidence"] == "HighEvidence"
    assert brca1["EnsembleGeneIds"] == ["ENSG00000012048"] and brca1["ModeOfPathogenicity"] is None
    assert result["STRs"][0]["Name"] == "HTT_CAG" and result["STRs"][0]["GRCh38Coordinates"] == [3074877, 3074933]
    assert result["Regions"][0]["TypeOfVariants"] == "cnv_loss"
    amber = client.get("/WebServices/get_panel/Legacy panel/", {"LevelOfConfidence": "ModerateEvidence"}).json()[
        "result"
    ]
    assert [g["GeneSymbol"] for g in amber["Genes"]] == ["TP53"] and [r["Name"] for r in amber["Regions"]] == [
        "ISCA-37390-Loss"
    ]
    grch38 = client.get("/WebServices/get_panel/Legacy panel/", {"assembly": "GRch38"}).json()["result"]
    assert grch38["Genes"][0]["EnsembleGeneIds"] == ["ENSG00000012048"]


def test_get_panel_of_an_earlier_version_and_errors(client, panel):
    old = client.get("/WebServices/get_panel/Legacy panel/", {"version": "0.2"}).json()["result"]
    assert old["version"] == "0.2" and [g["GeneSymbol"] for g in old["Genes"]] == ["BRCA1"]
    for query, status in (({"version": "x"}, 400), ({"version": "9.9"}, 404), ({"assembly": "hg19"}, 400)):
        response = client.get("/WebServices/get_panel/Legacy panel/", query)
        assert response.status_code == status and "detail" in response.json()
    assert client.get("/WebServices/get_panel/No such panel/").status_code == 404


def test_search_genes(client, panel, make_panel):
    make_panel("Second legacy", genes=["BRCA1"])
    body = client.get("/WebServices/search_genes/BRCA1,TP53/").json()
    assert body["meta"] == {"numOfResults": 3}
    first = body["results"][0]
    assert (
        first["GeneSymbol"] == "BRCA1"
        and first["SpecificDiseaseName"] == "Legacy panel"
        and first["version"] == panel.version
    )
    assert list(first)[:9] == GENE_KEYS[:8] + ["version"]
    only = client.get("/WebServices/search_genes/all/", {"panel_name": "Second legacy"}).json()
    assert [r["GeneSymbol"] for r in only["results"]] == ["BRCA1"]
    assert (
        client.get("/WebServices/search_genes/BRCA1/", {"LevelOfConfidence": "LowEvidence"}).json()["meta"][
            "numOfResults"
        ]
        == 0
    )


def test_legacy_addresses_and_cors(client, panel):
    response = client.get("/crowdsourcing/WebServices/list_panels/?Name=x")
    assert response.status_code == 301 and response["Location"] == "/WebServices/list_panels/?Name=x"
    assert (
        client.get("/WebServices/list_panels/", HTTP_ORIGIN="https://x.example.org")["Access-Control-Allow-Origin"]
        == "*"
    )
