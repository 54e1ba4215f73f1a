"""One-click clearing of an entity's sources, phenotypes, publications, mode of pathogenicity and
transcript (curators): each clear that changes something is one minor version, with history."""

import pytest

from panels.models import Activity
from panels.services.entities import EntityFields, add_entity, get_entity

from .conftest import add_str

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MOP = "Loss-of-function variants (as defined in pop up message) DO NOT cause this phenotype - please provide details in the comments"


@pytest.fixture
def filled(make_panel, curator):
    snapshot = make_panel("Clearing panel")
    fields = EntityFields(
        gene_symbol="BRCA1",
        sources=["Expert Review Green", "Literature"],
        phenotypes=["Breast cancer", "Ovarian cancer"],
        publications=["PMID:123"],
        mode_of_pathogenicity=MOP,
        transcript=["NM_007294.4"],
    )
    add_entity(snapshot, curator, "gene", fields)
    add_str(snapshot, curator, phenotypes=["Huntington disease"])
    snapshot.refresh_from_db()
    return snapshot, f"/panels/{snapshot.panel_id}/gene/BRCA1"


def version_of(snapshot):
    snapshot.refresh_from_db()
    return snapshot.version


@pytest.mark.parametrize(
    ("field", "attr", "cleared"),
    [
        ("phenotypes", "phenotypes", []),
        ("publications", "publications", []),
        ("mode_of_pathogenicity", "mode_of_pathogenicity", ""),
        ("transcript", "transcript", None),
    ],
)
def test_a_curator_clears_a_field_in_one_click(client, curator, filled, field, attr, cleared):
    snapshot, base = filled
    before = version_of(snapshot)
    client.force_login(curator)
    assert f"{base}/clear_entity_{field}" in client.get(f"{base}/").content.decode()
    response = client.post(f"{base}/clear_entity_{field}")
    assert response.status_code == 302 and response["Location"] == f"{base}/#details"
    entity = get_entity(snapshot, "gene", "BRCA1")
    assert getattr(entity, attr) == cleared
    major, minor = before.split(".")
    assert version_of(snapshot) == f"{major}.{int(minor) + 1}"
    assert entity.track.exists() and Activity.objects.filter(panel_id=snapshot.panel_id, entity_name="BRCA1").exists()
    # Clearing again changes nothing: no new version.
    client.post(f"{base}/clear_entity_{field}")
    assert version_of(snapshot) == f"{major}.{int(minor) + 1}"
    assert f"{base}/clear_entity_{field}" not in client.get(f"{base}/").content.decode()


def test_clearing_every_source_or_one(client, curator, filled):
    snapshot, base = filled
    client.force_login(curator)
    before = version_of(snapshot)
    assert client.post(f"{base}/clear_entity_source/Literature/").status_code == 302
    entity = get_entity(snapshot, "gene", "BRCA1")
    assert list(entity.evidence.values_list("name", flat=True)) == ["Expert Review Green"]
    assert entity.saved_gel_status == 3
    assert entity.track.first().issue_description == "Source Literature was removed from gene: BRCA1."
    assert client.post(f"{base}/clear_entity_source/Nowhere/").status_code == 404
    assert client.post(f"{base}/clear_entity_sources").status_code == 302
    entity = get_entity(snapshot, "gene", "BRCA1")
    assert not entity.evidence.exists() and entity.saved_gel_status == 0
    assert entity.track.first().issue_type == "ClearSources"
    assert entity.track.first().issue_description == "All sources for gene: BRCA1 were removed."
    major, minor = before.split(".")
    assert version_of(snapshot) == f"{major}.{int(minor) + 2}"
    api = client.get(f"/api/v1/panels/{snapshot.panel_id}/genes/", HTTP_ACCEPT="application/json").json()
    (gene,) = api["results"]
    assert gene["evidence"] == [] and gene["confidence_level"] == "0"


def test_an_str_has_no_transcript_and_only_curators_clear(client, curator, reviewer, filled):
    snapshot, base = filled
    str_base = f"/panels/{snapshot.panel_id}/str/HTT_CAG"
    client.force_login(curator)
    assert client.post(f"{str_base}/clear_entity_transcript").status_code == 404
    assert client.post(f"{str_base}/clear_entity_nonsense").status_code == 404
    assert client.post(f"{str_base}/clear_entity_phenotypes").status_code == 302
    assert get_entity(snapshot, "str", "HTT_CAG").phenotypes == []
    before = version_of(snapshot)
    client.force_login(reviewer)
    for field in ("sources", "phenotypes", "publications", "mode_of_pathogenicity", "transcript"):
        assert client.post(f"{base}/clear_entity_{field}").status_code == 403
    assert client.get(f"{base}/clear_entity_phenotypes").status_code in (403, 405)
    client.logout()
    assert client.post(f"{base}/clear_entity_sources").status_code == 302  # to log in
    assert version_of(snapshot) == before
    assert get_entity(snapshot, "gene", "BRCA1").phenotypes == ["Breast cancer", "Ovarian cancer"]
