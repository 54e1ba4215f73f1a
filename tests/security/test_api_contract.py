"""F18: what the API answers agrees with its OpenAPI schema (/api/docs.json)."""

import pytest

from ..domain.conftest import add_region, add_str

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def components(client):
    return client.get("/api/docs.json").json()["components"]["schemas"]


def test_mixed_entities_match_the_schema_of_their_own_type(api, client, make_panel, curator):
    snapshot = make_panel("Mixed", genes=["BRCA1"])
    add_str(snapshot, curator)
    add_region(snapshot, curator)
    schemas = components(client)
    entity = schemas["Entity"]
    assert entity["discriminator"]["propertyName"] == "entity_type"
    items = api.json("entities/")["results"]
    assert sorted(i["entity_type"] for i in items) == ["gene", "region", "str"]
    for item in items:
        ref = entity["discriminator"]["mapping"][item["entity_type"]].rsplit("/", 1)[1]
        schema = schemas[ref]
        assert set(schema["required"]) <= set(item), (item["entity_type"], set(schema["required"]) - set(item))
        assert set(item) <= set(schema["properties"]), (item["entity_type"], set(item) - set(schema["properties"]))
    assert "mode_of_pathogenicity" not in schemas["STREntity"]["properties"]


def test_pages_are_numbers_from_one(api, make_panel):
    make_panel("Paged", genes=["BRCA1"])
    assert api.get("panels/", page="1").status_code == 200
    for page in ["0", "-1", " 1", "+1", "١", "²", "1_0", "9" * 40]:
        response = api.get("panels/", page=page)
        assert (response.status_code, response.json()) == (404, {"detail": "Invalid page."}), page
    assert api.get("panels/", page="last").status_code == 200
