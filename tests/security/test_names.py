"""F3/F13: names that break web addresses or headers are refused with a message, by the forms and
the services, for every kind of entity and for panels; rows made before the rule never crash a page."""

import pytest
from django.core.exceptions import ValidationError

from panels.models import STR, Activity, Level4Title, Region
from panels.services.entities import get_entity, set_tags
from panels.services.panels import PanelFields, create_panel
from panels.services.reviews import ReviewFields, submit_review

from ..domain.conftest import add_region, add_str

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SLASH = "PROBE/STR"
BREAKING = ["a\r\nb", "a\nb", "a\tb", "a\x1bb", "a\u2028b", "\u202eRTS"]
STR_FORM = {
    "chromosome": "1",
    "position_38_start": "100",
    "position_38_end": "200",
    "repeated_sequence": "CAG",
    "normal_repeats": "10",
    "pathogenic_repeats": "40",
    "sources": "Literature",
    "moi": "MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted",
}
REGION_FORM = {
    "chromosome": "1",
    "position_38_start": "100",
    "position_38_end": "200",
    "type_of_variants": "cnv_loss",
    "haploinsufficiency_score": "3",
    "required_overlap_percentage": "60",
    "sources": "Literature",
    "moi": "MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted",
}


@pytest.fixture
def panel(make_panel):
    return make_panel("Names", genes=["BRCA1"])


@pytest.mark.parametrize("who", ["curator", "reviewer"])
@pytest.mark.parametrize("kind,form", [("str", STR_FORM), ("region", REGION_FORM)])
@pytest.mark.parametrize("name", [SLASH, *BREAKING])
def test_the_add_form_refuses_the_name_with_a_message(client, panel, request, who, kind, form, name):
    client.force_login(request.getfixturevalue(who))
    response = client.post(f"/panels/{panel.panel_id}/{kind}/add", {**form, "name": name})
    assert response.status_code == 200
    page = response.content.decode()
    expected = (
        "may not contain &#x27;/&#x27;" if name == SLASH else "may not contain line breaks, tabs or other control"
    )
    assert 'id="id_name_errors"' in page and expected in page
    assert not STR.objects.filter(panel=panel).exists() and not Region.objects.filter(panel=panel).exists()


@pytest.mark.parametrize("name", [SLASH, *BREAKING])
def test_the_services_refuse_the_name_for_strs_and_regions(panel, curator, name):
    with pytest.raises(ValidationError) as caught:
        add_str(panel, curator, name=name)
    assert "The STR name may not contain" in " ".join(caught.value.message_dict["name"])
    with pytest.raises(ValidationError) as caught:
        add_region(panel, curator, name=name)
    assert "The region name may not contain" in " ".join(caught.value.message_dict["name"])


@pytest.mark.parametrize("kind", ["str", "region"])
@pytest.mark.parametrize("name", [SLASH, "a\x1bb", "\u202eRTS"])  # a TSV cell cannot hold a tab or line break
def test_a_panel_upload_refuses_the_name_on_its_line(panel, curator, kind, name):
    from panels.imports.common import ImportRejected
    from panels.imports.panel_tsv import import_panel_tsv

    from ..domain.uploads_helpers import panel_tsv

    row = {
        "Entity Name": name,
        "Entity type": kind,
        "Level4": panel.name,
        "Position Chromosome": "1",
        "Position GRCh38 Start": "100",
        "Position GRCh38 End": "200",
        "Sources(; separated)": "Literature",
        "Model_Of_Inheritance": STR_FORM["moi"],
        "Flagged": "False",
    }
    if kind == "str":
        row.update({"STR Repeated Sequence": "CAG", "STR Normal Repeats": "10", "STR Pathogenic Repeats": "40"})
    else:
        row.update(
            {
                "Region Variant Type": "cnv_loss",
                "Region Haploinsufficiency Score": "3",
                "Region Required Overlap Percentage": "60",
            }
        )
    with pytest.raises(ImportRejected) as rejected:
        import_panel_tsv(panel_tsv([row]), curator)
    [problem] = rejected.value.problems
    assert (problem.line, problem.column) == (2, "Entity Name")
    assert "may not contain" in problem.reason
    assert not STR.objects.filter(panel=panel).exists() and not Region.objects.filter(panel=panel).exists()


@pytest.mark.parametrize("name", BREAKING)
def test_panel_names_and_tags_refuse_control_characters(client, panel, curator, name):
    with pytest.raises(ValidationError) as caught:
        create_panel(curator, PanelFields(name=name, status="internal"))
    assert "A panel name may not contain line breaks" in caught.value.message_dict["name"][0]
    client.force_login(curator)
    response = client.post("/panels/create/", {"name": name, "status": "internal"})
    assert "A panel name may not contain line breaks" in response.content.decode()
    with pytest.raises(ValidationError) as caught:
        set_tags(panel, get_entity(panel, "gene", "BRCA1"), curator, [name])
    assert "A tag may not contain line breaks" in caught.value.message_dict["tags"][0]


def test_a_panel_name_may_hold_a_slash(curator):
    snapshot = create_panel(curator, PanelFields(name="Cardiomyopathy / arrhythmia", status="internal"))
    assert snapshot.level4title.name == "Cardiomyopathy / arrhythmia"


def test_pages_survive_rows_made_before_the_rule(client, panel, curator, reviewer):
    """Rows written directly (an older version, the admin, an import): every page still answers."""
    entity = add_str(panel, curator)
    STR.objects.filter(pk=entity.pk).update(name=SLASH)
    entity.refresh_from_db()
    submit_review(panel, entity, reviewer, ReviewFields(rating="GREEN", comment="legacy"))
    Activity.objects.create(
        panel=panel.panel,
        entity_name=SLASH,
        entity_type="str",
        text="legacy",
        extra_data={"panel_id": panel.panel_id, "panel_name": "x"},
    )
    Level4Title.objects.filter(pk=panel.level4title_id).update(name="Legacy\r\nname")
    pid = panel.panel_id
    for who in (None, curator, reviewer):
        if who:
            client.force_login(who)
        for url in (
            "/panels/activity/",
            "/panels/entities/",
            "/panels/entities/HTT",
            f"/panels/{pid}/",
            "/panels/",
            "/accounts/profile/" if who else "/",
            f"/api/v1/panels/{pid}/strs/",
            "/api/v1/entities/",
        ):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        assert SLASH in client.get("/panels/entities/").content.decode()
    download = client.get(f"/panels/{pid}/download/01234/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="Legacy__name.tsv"'
