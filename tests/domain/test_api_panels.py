"""API v1 panel endpoints against the reference's examples (§3.1-3.3, §3.8, §8 scenarios 1-3, 8-10)."""

import datetime as dt
import re

import pytest

from panels.models import GenePanel
from panels.services.entities import EntityFields, add_entity, set_rating
from panels.services.panels import PanelFields, create_panel, promote, update_panel

from .conftest import GREEN_SOURCE, MONOALLELIC
from .exact_scenario import PANEL_KEYS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def assert_panel_object(panel: dict):
    assert list(panel) == PANEL_KEYS
    assert isinstance(panel["id"], int)
    assert panel["hash_id"] is None or re.fullmatch(r"[0-9a-f]{24}", panel["hash_id"])
    for key in ("name", "disease_group", "disease_sub_group", "status", "version"):
        assert isinstance(panel[key], str), key
    assert re.fullmatch(r"\d+\.\d+", panel["version"])
    assert DATETIME.match(panel["version_created"])
    assert all(isinstance(d, str) for d in panel["relevant_disorders"])
    assert set(panel["stats"]) <= {"number_of_genes", "number_of_strs", "number_of_regions"}
    assert all(isinstance(v, int) for v in panel["stats"].values())
    assert all(list(t) == ["name", "slug", "description"] for t in panel["types"])
    assert isinstance(panel["description"], str)
    assert all(isinstance(i, int) for i in panel["child_panel_ids"])


def test_an_empty_installation_lists_no_panels(api):
    assert api.json("panels/") == {"count": 0, "next": None, "previous": None, "results": []}


def test_internal_panels_are_hidden_until_published(api, curator, genes):
    snapshot = create_panel(
        curator,
        PanelFields(
            name="Test Panel", level2="G2", level3="G3", relevant_disorders=["R999"], type_slugs=["rare-disease-100k"]
        ),
    )
    pid = snapshot.panel_id
    assert api.json("panels/")["count"] == 0
    assert api.get(f"panels/{pid}/").status_code == 404
    assert api.get(f"panels/{pid}/").json() == {"detail": "Not found."}
    # GE's nested lists serve internal panels to anyone; here they are curators' only (panels.visibility).
    assert api.get(f"panels/{pid}/genes/").status_code == 404

    fields = PanelFields.from_snapshot(snapshot)
    fields.status = "public"
    update_panel(snapshot, curator, fields)

    [panel] = api.json("panels/")["results"]
    assert_panel_object(panel)
    assert panel["version"] == "0.1"
    assert panel["disease_group"] == "G2" and panel["disease_sub_group"] == "G3"
    assert panel["relevant_disorders"] == ["R999"]
    assert panel["types"] == [
        {"name": "Rare Disease 100K", "slug": "rare-disease-100k", "description": "Rare Disease 100K"}
    ]
    assert panel["stats"] == {"number_of_genes": 0, "number_of_strs": 0, "number_of_regions": 0}
    assert api.json("panels/R999/")["id"] == pid


def test_curator_gene_shows_in_detail_and_the_previous_version_stays_readable(api, make_panel, curator):
    snapshot = make_panel("Test Panel", genes=[])
    add_entity(snapshot, curator, "gene", EntityFields(gene_symbol="BRCA1", sources=[GREEN_SOURCE], moi=MONOALLELIC))

    detail = api.json(f"panels/{snapshot.panel_id}/")
    assert list(detail) == PANEL_KEYS + ["genes", "strs", "regions"]
    assert detail["version"] == "0.2"
    [gene] = detail["genes"]
    assert gene["confidence_level"] == "3"
    assert "Expert Review Green" in gene["evidence"]
    assert "panel" not in gene  # not on a normal panel's detail
    assert detail["stats"]["number_of_genes"] == 1

    previous = api.json(f"panels/{snapshot.panel_id}/", version="0.1")
    assert previous["version"] == "0.1"
    assert previous["genes"] == []
    assert previous["signed_off"] is None
    current = api.json(f"panels/{snapshot.panel_id}/", version="0.2")
    assert "signed_off" not in current and current["genes"][0]["entity_name"] == "BRCA1"

    activity = api.json("activities/")["results"][0]
    assert activity["item_type"] == "entity" and activity["entity_name"] == "BRCA1"


def test_historical_versions_after_edits_and_promotion(api, make_panel, curator):
    snapshot = make_panel("Familial breast cancer", genes=["BRCA1", "BRCA2"])  # 0.3
    brca2 = snapshot.genepanelentrysnapshot_set.get(gene_core_id="BRCA2")
    set_rating(snapshot, brca2, curator, 1)  # 0.4
    promote(snapshot, curator, "Release for the GMS")  # 1.0
    add_entity(
        snapshot, curator, "gene", EntityFields(gene_symbol="PALB2", sources=[GREEN_SOURCE], moi=MONOALLELIC)
    )  # 1.1

    pid = snapshot.panel_id
    assert api.json(f"panels/{pid}/")["version"] == "1.1"
    by_version = {v: api.json(f"panels/{pid}/", version=v) for v in ("0.3", "0.4", "1.0")}
    assert {g["entity_name"]: g["confidence_level"] for g in by_version["0.3"]["genes"]} == {"BRCA1": "3", "BRCA2": "3"}
    assert {g["entity_name"]: g["confidence_level"] for g in by_version["0.4"]["genes"]} == {"BRCA1": "3", "BRCA2": "1"}
    assert [g["entity_name"] for g in by_version["1.0"]["genes"]] == ["BRCA1", "BRCA2"]  # green first
    assert by_version["1.0"]["version_created"] != by_version["0.4"]["version_created"]
    assert all(v["signed_off"] is None for v in by_version.values())

    without = api.json(f"panels/{pid}/", version="0.4", exclude_entities="True")
    assert "genes" not in without and without["version"] == "0.4"
    assert api.get(f"panels/{pid}/", version="7.0").status_code == 404
    assert api.get(f"panels/{pid}/", version="1.10").status_code == 404  # 1.10 is not 1.1


@pytest.mark.parametrize("bad", ["1", "one.two", "1.2.3", "1,2", "."])
def test_malformed_versions_are_a_400_with_a_json_message(api, make_panel, bad):
    snapshot = make_panel(genes=["BRCA1"])
    for path in (f"panels/{snapshot.panel_id}/", f"panels/{snapshot.panel_id}/genes/"):
        response = api.get(path, version=bad)
        assert response.status_code == 400
        assert response.json() == {"detail": "Incorrect version supplied"}


def test_panel_lookup_by_id_hash_id_name_and_relevant_disorder(api, make_panel):
    stickler = make_panel("Stickler syndrome", genes=["COL1A1"], relevant_disorders=["R45", "Stickler"])
    make_panel("Another syndrome", genes=[])
    GenePanel.objects.filter(pk=stickler.panel_id).update(old_pk="55b62bc422c1fc05fc7a1857")
    for term in (
        str(stickler.panel_id),
        "55b62bc422c1fc05fc7a1857",
        "Stickler syndrome",
        "R45",
        "stickler SYNDROME",
        "tickler",
    ):
        assert api.json(f"panels/{term}/")["id"] == stickler.panel_id, term
    assert api.get("panels/R4/").status_code == 404  # a disorder must match exactly
    assert [p["id"] for p in api.json("panels/", name="R45")["results"]] == [stickler.panel_id]
    assert [p["name"] for p in api.json("panels/", name="syndrome")["results"]] == [
        "Another syndrome",
        "Stickler syndrome",
    ]


def test_list_visibility_retired_and_type_filters(api, make_panel, curator):
    make_panel("A public", genes=[])
    promoted = make_panel("B promoted", genes=[], status="promoted")
    retired = make_panel("C retired", genes=[], status="retired", type_slugs=["actionable"])
    make_panel("D internal", genes=[], status="internal")
    make_panel("E deleted", genes=[], status="deleted")

    assert [p["name"] for p in api.json("panels/")["results"]] == ["A public", "B promoted"]
    for value in ("1", "False", "yes"):  # any non-empty value counts, as in PanelApp
        assert [p["name"] for p in api.json("panels/", retired=value)["results"]] == [
            "A public",
            "B promoted",
            "C retired",
        ]
    assert [p["name"] for p in api.json("panels/", retired="1", type="actionable,reference")["results"]] == [
        "C retired"
    ]
    assert api.get(f"panels/{retired.panel_id}/").status_code == 404
    assert api.json(f"panels/{retired.panel_id}/", version="0.1")["status"] == "retired"
    assert api.json(f"panels/{promoted.panel_id}/")["status"] == "promoted"


def test_internal_panels_are_never_listed_even_for_curators(client, make_panel, curator):
    make_panel("Internal work", genes=[], status="internal")
    response = client.get("/api/v1/panels/", HTTP_AUTHORIZATION=f"Token {curator.auth_token.key}")
    assert response.json()["count"] == 0


def test_pagination_is_100_per_page_with_absolute_links(api, curator, genes):
    for n in range(101):
        create_panel(curator, PanelFields(name=f"Panel {n:03d}", status="public"))
    first = api.json("panels/")
    assert first["count"] == 101 and len(first["results"]) == 100
    assert first["next"] == "http://testserver/api/v1/panels/?page=2"
    assert first["previous"] is None
    second = api.json("panels/", page=2)
    assert [p["name"] for p in second["results"]] == ["Panel 100"]
    assert second["previous"] == "http://testserver/api/v1/panels/"
    for bad in ("3", "0", "x", "-1"):
        response = api.get("panels/", page=bad)
        assert response.status_code == 404
        assert response.json() == {"detail": "Invalid page."}


def test_super_panel_detail_carries_each_child_panel(api, make_panel, curator):
    p1 = make_panel("P1", genes=["BRCA1", "BRCA2"])
    p2 = make_panel("P2", genes=["TP53"])
    promote(p2, curator, "release")
    promote(p2, curator, "release")
    superpanel = create_panel(
        curator, PanelFields(name="Super", status="public", child_panel_ids=[p1.panel_id, p2.panel_id])
    )

    detail = api.json(f"panels/{superpanel.panel_id}/")
    assert detail["version"] == "2.0"
    assert detail["stats"]["number_of_genes"] == 3
    owners = {g["entity_name"]: g["panel"]["name"] for g in detail["genes"]}
    assert owners == {"BRCA1": "P1", "BRCA2": "P1", "TP53": "P2"}
    for gene in detail["genes"]:
        assert_panel_object(gene["panel"])


def test_versions_and_panel_activities(api, make_panel, curator):
    snapshot = make_panel("Versioned", genes=["BRCA1"])
    versions = api.json(f"panels/{snapshot.panel_id}/versions/")
    assert versions["count"] == 1 and versions["results"][0]["version"] == "0.2"
    activities = api.json(f"panels/{snapshot.panel_id}/activities/")
    assert isinstance(activities, list)  # not paginated
    assert list(activities[0]) == [
        "created",
        "panel_name",
        "panel_id",
        "panel_version",
        "user_name",
        "item_type",
        "text",
        "entity_name",
        "entity_type",
    ]
    assert activities[0]["panel_version"] == "0.2" and activities[0]["entity_type"] == "gene"
    assert activities[-1]["text"] == "Added Panel Versioned"
    assert api.get("panels/Versioned/activities/").status_code == 404


def test_activity_feed_hides_internal_panels_except_from_curators(client, api, make_panel, curator):
    make_panel("Public one", genes=["BRCA1"])
    make_panel("Secret one", genes=["TP53"], status="internal")
    public = {a["panel_name"] for a in api.json("activities/")["results"]}
    assert public == {"Public one"}
    as_curator = client.get("/api/v1/activities/", HTTP_AUTHORIZATION=f"Token {curator.auth_token.key}").json()
    assert {a["panel_name"] for a in as_curator["results"]} == {"Public one", "Secret one"}
    bad_token = client.get("/api/v1/activities/", HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert bad_token.status_code == 403 and bad_token.json() == {"detail": "Invalid token."}


def sign_off(snapshot, curator, version: str, date: dt.date):
    fields = PanelFields.from_snapshot(snapshot)
    fields.signed_off_version, fields.signed_off_date = version, date
    update_panel(snapshot, curator, fields)


def test_signed_off_listing(api, make_panel, curator):
    a = make_panel("A signed", genes=["BRCA1"])
    promote(a, curator, "release")  # 1.0
    sign_off(a, curator, "1.0", dt.date(2023, 3, 22))  # -> 1.1
    promote(a, curator, "release 2")  # 2.0
    sign_off(a, curator, "2.0", dt.date(2024, 1, 5))
    b = make_panel("B signed", genes=["TP53"])
    sign_off(b, curator, "0.2", dt.date(2024, 2, 1))
    make_panel("C unsigned", genes=["APC"])

    latest = api.json("panels/signedoff/")
    assert [(i["id"], i["version"], i["signed_off"]) for i in latest["results"]] == [
        (a.panel_id, "2.0", "2024-01-05"),
        (b.panel_id, "0.2", "2024-02-01"),
    ]
    item = latest["results"][0]
    assert set(item) == set(PANEL_KEYS) | {"signed_off"} and "genes" not in item
    assert_panel_object({k: item[k] for k in PANEL_KEYS})

    every = api.json("panels/signedoff/", display="all", panel_id=a.panel_id)
    assert [i["version"] for i in every["results"]] == ["2.0", "1.0"]

    fields = PanelFields.from_snapshot(b)
    fields.status = "retired"
    update_panel(b, curator, fields)
    assert [i["id"] for i in api.json("panels/signedoff/")["results"]] == [a.panel_id]
    assert b.panel_id in [i["id"] for i in api.json("panels/signedoff/", display="all")["results"]]

    deprecated = api.json(f"panels/signedoff/{a.panel_id}/")
    assert deprecated["version"] == "2.0" and deprecated["signed_off"] == "2024-01-05" and "genes" in deprecated

    assert api.get("panels/signedoff/", panel_id="abc").status_code == 400
    assert api.get("panels/signedoff/", display="some").status_code == 400


def test_the_api_is_read_only(client, curator):
    assert client.post("/api/v1/panels/", {}).status_code == 403
    response = client.put("/api/v1/panels/", {}, HTTP_AUTHORIZATION=f"Token {curator.auth_token.key}")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}


def test_cors_allows_get_from_any_origin(client):
    response = client.get("/api/v1/panels/", HTTP_ORIGIN="https://pipeline.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/panels/", HTTP_ORIGIN="https://x.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_openapi_schema_and_interactive_docs(client):
    schema = client.get("/api/docs.json").json()
    assert schema["info"]["title"] == "PanelApp API"
    for path in ("/api/v1/panels/", "/api/v1/panels/{panel}/", "/api/v1/genes/{names}/", "/api/v1/panels/signedoff/"):
        assert path in schema["paths"], path
    docs = client.get("/api/docs/", HTTP_ACCEPT="text/html")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html


def test_the_cached_panel_detail_always_shows_the_current_state(api, client, make_panel, curator, reviewer):
    from panels.services.entities import get_entity, set_tags
    from panels.services.reviews import ReviewFields, submit_review

    child = make_panel("Cached child", genes=["BRCA1"])
    superpanel = create_panel(
        curator, PanelFields(name="Cached super", status="public", child_panel_ids=[child.panel_id])
    )
    assert [g["tags"] for g in api.json(f"panels/{child.panel_id}/")["genes"]] == [[]]
    assert len(api.json(f"panels/{superpanel.panel_id}/")["genes"]) == 1
    page = client.get(f"/panels/{child.panel_id}/").content.decode()

    set_tags(child, get_entity(child, "gene", "BRCA1"), curator, ["adult-onset"])  # no new version
    assert [g["tags"] for g in api.json(f"panels/{child.panel_id}/")["genes"]] == [["adult-onset"]]
    add_entity(child, curator, "gene", EntityFields(gene_symbol="TP53", sources=[GREEN_SOURCE], moi=MONOALLELIC))
    assert len(api.json(f"panels/{superpanel.panel_id}/")["genes"]) == 2  # a child's change shows in its super panel
    submit_review(child, get_entity(child, "gene", "BRCA1"), reviewer, ReviewFields(rating="GREEN"))
    newer = client.get(f"/panels/{child.panel_id}/").content.decode()
    assert newer != page and "1 reviewed" in newer


ODD_REQUESTS = [
    ("panels/", {"page": "abc"}),
    ("panels/", {"page": "99999999999999999999999"}),
    ("panels/", {"name": "%_\\'\"; DROP TABLE"}),
    ("panels/", {"type": ",,,"}),
    ("panels/99999999999999999999999/", {}),
    ("panels/{pid}/", {"version": "99999999999.1"}),
    ("panels/{pid}/", {"version": "-1.0"}),
    ("panels/{pid}/", {"exclude_entities": "maybe"}),
    ("panels/{pid}/genes/", {"confidence_level": "3,x"}),
    ("panels/{pid}/genes/", {"page": "2"}),
    ("panels/{pid}/genes/NOPE/evaluations/", {}),
    ("panels/99999999999999999999999/activities/", {}),
    ("genes/", {"tags": "a" * 500}),
    ("genes/%00/", {}),
    ("panels/signedoff/", {"panel_id": "99999999999999999999999"}),
    ("panels/signedoff/99999999999999999999/", {}),
    ("entities/", {"page": "0"}),
]


@pytest.mark.parametrize("path,query", ODD_REQUESTS)
def test_odd_requests_get_a_4xx_or_2xx_with_json_never_a_500(api, make_panel, path, query):
    snapshot = make_panel("Odd", genes=["BRCA1"])
    response = api.get(path.format(pid=snapshot.panel_id), **query)
    assert response.status_code < 500, (path, query, response.status_code)
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if response.status_code >= 400:
        assert set(body) in ({"detail"}, {"error"}), body
