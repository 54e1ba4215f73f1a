"""Version rules (reference §2.5): who bumps what, and what is frozen at each bump."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from panels.models import Activity, HistoricalSnapshot
from panels.services.entities import (
    EntityFields,
    add_entity,
    approve_entity,
    get_entity,
    set_rating,
    set_ready,
    set_tags,
    update_entity,
    update_field,
)
from panels.services.panels import PanelFields, create_panel, promote, update_panel
from panels.services.reviews import ReviewFields, submit_review
from panels.versions import InvalidVersion, Version

from .conftest import BIALLELIC, GREEN_SOURCE, MONOALLELIC

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def version(snapshot):
    snapshot.refresh_from_db()
    return snapshot.version


def test_versions_compare_as_integer_pairs_not_floats():
    assert Version.parse("1.9") < Version.parse("1.10")
    assert Version.parse("1.345") == Version(1, 345)
    assert str(Version.parse(" 2.0 ")) == "2.0"
    for bad in ("1", "1.2.3", "a.b", "", "1.", "-1.2"):
        with pytest.raises(InvalidVersion):
            Version.parse(bad)


def test_new_panel_is_version_0_0_and_each_curator_edit_bumps_the_minor_once(curator, genes):
    snapshot = create_panel(curator, PanelFields(name="Stickler syndrome", level2="Eye", relevant_disorders=["R45"]))
    assert version(snapshot) == "0.0"

    fields = PanelFields.from_snapshot(snapshot)
    fields.status, fields.level3 = "public", "Connective tissue"  # two fields, one edit
    assert update_panel(snapshot, curator, fields) is True
    assert version(snapshot) == "0.1"

    assert update_panel(snapshot, curator, PanelFields.from_snapshot(snapshot)) is False  # nothing changed
    assert version(snapshot) == "0.1"

    add_entity(snapshot, curator, "gene", EntityFields(gene_symbol="COL1A1", sources=[GREEN_SOURCE], moi=MONOALLELIC))
    assert version(snapshot) == "0.2"


def test_every_bump_freezes_the_previous_version(make_panel, curator):
    snapshot = make_panel("Familial breast cancer", genes=["BRCA1"])  # 0.1 published, 0.2 BRCA1
    add_entity(snapshot, curator, "gene", EntityFields(gene_symbol="BRCA2", sources=[GREEN_SOURCE], moi=MONOALLELIC))
    assert version(snapshot) == "0.3"

    frozen = {s.version: s.data for s in HistoricalSnapshot.objects.filter(panel=snapshot.panel)}
    assert sorted(frozen, key=Version.parse) == ["0.0", "0.1", "0.2"]
    assert [g["entity_name"] for g in frozen["0.2"]["genes"]] == ["BRCA1"]
    assert frozen["0.2"]["version"] == "0.2"
    assert frozen["0.0"]["status"] == "internal"
    assert frozen["0.1"]["genes"] == []


def test_reviewer_suggestions_do_not_bump_and_stay_grey_until_approved(make_panel, curator, reviewer):
    snapshot = make_panel(genes=["BRCA1"])
    before = version(snapshot)

    tp53 = add_entity(snapshot, reviewer, "gene", EntityFields(gene_symbol="TP53", sources=["Literature"]))
    assert version(snapshot) == before
    assert tp53.flagged and tp53.saved_gel_status == 0

    approve_entity(snapshot, tp53, curator)  # approving: no bump
    assert version(snapshot) == before
    tp53.refresh_from_db()
    assert not tp53.flagged

    set_rating(snapshot, tp53, curator, 2)  # classifying: one bump
    assert version(snapshot) == Version.parse(before).next_minor().__str__()
    tp53.refresh_from_db()
    assert tp53.saved_gel_status == 2
    assert "Expert Review Amber" in [e.name for e in tp53.evidence.all()]


def test_reviews_tags_and_ready_marks_never_bump(make_panel, curator, reviewer):
    snapshot = make_panel(genes=["BRCA1"])
    before = version(snapshot)
    brca1 = get_entity(snapshot, "gene", "BRCA1")

    submit_review(snapshot, brca1, reviewer, ReviewFields(rating="GREEN", comment="Well established"))
    submit_review(snapshot, brca1, reviewer, ReviewFields(rating="AMBER"))  # edits the same review
    set_tags(snapshot, brca1, curator, ["adult-onset"])
    set_ready(snapshot, brca1, curator, True)

    assert version(snapshot) == before
    assert brca1.evaluation.count() == 1
    assert brca1.evaluation.get().rating == "AMBER"
    snapshot.refresh_from_db()
    assert snapshot.stats["number_of_evaluated_genes"] == 1
    assert snapshot.stats["number_of_ready_genes"] == 1


def test_curator_field_updates_bump_only_when_the_value_changes(make_panel, curator):
    snapshot = make_panel(genes=["BRCA1"])
    brca1 = get_entity(snapshot, "gene", "BRCA1")
    start = Version.parse(version(snapshot))

    assert update_field(snapshot, brca1, curator, "moi", BIALLELIC) is True
    assert update_field(snapshot, brca1, curator, "moi", BIALLELIC) is False
    assert update_field(snapshot, brca1, curator, "phenotypes", ["Breast cancer", " Ovarian cancer "]) is True
    assert Version.parse(version(snapshot)) == Version(start.major, start.minor + 2)
    brca1.refresh_from_db()
    assert brca1.phenotypes == ["Breast cancer", "Ovarian cancer"]

    fields = EntityFields.from_entity(brca1)
    assert update_entity(snapshot, brca1, curator, fields) is False  # unchanged edit form
    fields.publications = ["PMID:20301425"]
    assert update_entity(snapshot, brca1, curator, fields) is True
    assert Version.parse(version(snapshot)) == Version(start.major, start.minor + 3)


def test_only_promotion_bumps_the_major_version(
    make_panel, curator, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    snapshot = make_panel("Early onset dementia", genes=["PRNP"])
    prnp = get_entity(snapshot, "gene", "PRNP")
    submit_review(snapshot, prnp, reviewer, ReviewFields(rating="GREEN"))

    with django_capture_on_commit_callbacks(execute=True):
        promote(snapshot, curator, "First release")
    assert version(snapshot) == "1.0"
    assert snapshot.version_comment.splitlines()[0].endswith("promoted panel to 1.0")
    assert snapshot.version_comment.splitlines()[1] == "First release"
    assert Activity.objects.filter(panel=snapshot.panel, text="promoted panel to version 1.0").exists()
    assert (
        HistoricalSnapshot.objects.get(panel=snapshot.panel, major_version=0, minor_version=2).reason == "First release"
    )

    # every contributor (reviewer of an entity) is told, once
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert mailoutbox[0].subject == "A panel you reviewed has been promoted"

    add_entity(snapshot, curator, "gene", EntityFields(gene_symbol="APC", sources=[GREEN_SOURCE], moi=MONOALLELIC))
    assert version(snapshot) == "1.1"


def test_promotion_needs_a_comment_and_a_curator(make_panel, curator, reviewer):
    snapshot = make_panel(genes=["BRCA1"])
    with pytest.raises(ValidationError):
        promote(snapshot, curator, "   ")
    with pytest.raises(PermissionDenied):
        promote(snapshot, reviewer, "Because")
    assert version(snapshot) == "0.2"


def test_super_panel_starts_at_highest_child_major_and_follows_its_children(make_panel, curator):
    p1 = make_panel("Child one", genes=["BRCA1", "BRCA2"])
    p2 = make_panel("Child two", genes=["TP53"])
    promote(p2, curator, "release")
    promote(p2, curator, "release again")  # p2 is 2.0
    superpanel = create_panel(
        curator, PanelFields(name="Super", status="public", child_panel_ids=[p1.panel_id, p2.panel_id])
    )
    assert version(superpanel) == "2.0"
    assert superpanel.stats["number_of_genes"] == 3

    with pytest.raises(ValidationError):
        add_entity(superpanel, curator, "gene", EntityFields(gene_symbol="APC", sources=[GREEN_SOURCE]))

    add_entity(p1, curator, "gene", EntityFields(gene_symbol="APC", sources=[GREEN_SOURCE], moi=MONOALLELIC))
    assert version(superpanel) == "2.1"
    superpanel.refresh_from_db()
    assert superpanel.stats["number_of_genes"] == 4
    frozen = HistoricalSnapshot.objects.get(panel=superpanel.panel, major_version=2, minor_version=0).data
    assert sorted(g["entity_name"] for g in frozen["genes"]) == ["BRCA1", "BRCA2", "TP53"]

    promote(p1, curator, "child release")
    assert version(p1) == "1.0"
    assert version(superpanel) == "3.0"


def test_sign_off_marks_a_frozen_version(make_panel, curator):
    import datetime as dt

    snapshot = make_panel("Signed panel", genes=["BRCA1"])
    promote(snapshot, curator, "release")  # 1.0
    fields = PanelFields.from_snapshot(snapshot)
    fields.signed_off_version, fields.signed_off_date = "1.0", dt.date(2024, 3, 22)
    update_panel(snapshot, curator, fields)
    assert version(snapshot) == "1.1"
    snapshot.panel.refresh_from_db()
    assert snapshot.panel.signed_off.version == "1.0"
    assert snapshot.panel.signed_off.signed_off_date == dt.date(2024, 3, 22)
    assert Activity.objects.filter(text="Panel version 1.0 has been signed off on 2024-03-22").exists()

    fields = PanelFields.from_snapshot(snapshot)
    fields.signed_off_version = "7.3"
    with pytest.raises(ValidationError) as error:
        update_panel(snapshot, curator, fields)
    assert "signed_off_version" in error.value.message_dict


def test_only_curators_change_panels_and_only_reviewers_suggest(make_panel, reviewer, external):
    snapshot = make_panel(genes=["BRCA1"])
    with pytest.raises(PermissionDenied):
        update_panel(snapshot, reviewer, PanelFields.from_snapshot(snapshot))
    with pytest.raises(PermissionDenied):
        add_entity(snapshot, external, "gene", EntityFields(gene_symbol="TP53"))
    with pytest.raises(PermissionDenied):
        submit_review(snapshot, get_entity(snapshot, "gene", "BRCA1"), external, ReviewFields(rating="GREEN"))
    with pytest.raises(PermissionDenied):
        set_rating(snapshot, get_entity(snapshot, "gene", "BRCA1"), reviewer, 3)


def test_inactive_or_unknown_genes_cannot_be_added(make_panel, curator):
    snapshot = make_panel(genes=[])
    for symbol in ("A12M1~withdrawn", "NOTAGENE"):
        with pytest.raises(ValidationError) as error:
            add_entity(snapshot, curator, "gene", EntityFields(gene_symbol=symbol, sources=[GREEN_SOURCE]))
        assert "not an active gene symbol" in str(error.value.message_dict["gene"])
    with pytest.raises(ValidationError):
        add_entity(snapshot, curator, "gene", EntityFields(gene_symbol="BRCA1", moi="sometimes"))
    assert version(snapshot) == "0.1"


def test_mitochondrial_genes_get_mitochondrial_inheritance(make_panel, curator):
    snapshot = make_panel(genes=[])
    entity = add_entity(
        snapshot, curator, "gene", EntityFields(gene_symbol="MT-ND1", sources=[GREEN_SOURCE], moi=MONOALLELIC)
    )
    assert entity.moi == "MITOCHONDRIAL"
