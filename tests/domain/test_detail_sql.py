"""The panel detail written by PostgreSQL (panels.detail_sql) is byte for byte the one the Python
builders write, whatever the data holds, and an entity's kept JSON never outlives a change to it:
any change forgets it (triggers), and a refresh racing a change never keeps the old links."""

import json
import sys
import threading
import time

import pytest
from django.db import connection, connections, transaction

from panels import answers, detail_sql
from panels.models import STR, Evidence, GenePanelEntrySnapshot, GenePanelSnapshot, Region, Tag
from panels.representation import detail_json_from_rows, detail_json_from_sql, panel_detail_dict, panel_detail_json
from panels.selectors.entities import panel_entities
from panels.services.entities import get_entity, set_tags
from panels.services.panels import PanelFields, create_panel

from .conftest import add_region, add_str

pytestmark = [pytest.mark.postgres]

AWKWARD = [
    "  PMID:1  ",
    "\u3000full-width padded\u3000",
    "\xa0no-break\xa0",
    "",
    "   ",
    'quote " and backslash \\',
    "control \x01 \x1f tab\tnewline\n",
    "accents é ü, CJK 漢字, emoji 🧬",
    "\u2028line separator\u2029",
    "\x1cfile separator is whitespace to Python\x1d",
]


def stored_copies(model) -> dict[int, str | None]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {detail_sql.COLUMN} FROM {model._meta.db_table}")
        return dict(cursor.fetchall())


def live(snapshot) -> GenePanelSnapshot:
    return GenePanelSnapshot.objects.with_panel().get(pk=snapshot.pk)


def assert_same_answer(snapshot) -> bytes:
    """The SQL answer is the Python one, in bytes, and says what the model-based builder says."""
    snapshot = live(snapshot)
    from_sql = detail_json_from_sql(snapshot)
    assert from_sql is not None
    assert from_sql == detail_json_from_rows(snapshot)
    expected = panel_detail_dict(snapshot, panel_entities(snapshot))
    assert json.dumps(json.loads(from_sql)) == json.dumps(expected)  # the same keys, in the same order
    return from_sql


@pytest.fixture
def awkward_panel(make_panel, curator):
    """Genes, an STR and a region whose lists hold padding, blanks, escapes and non-ASCII text."""
    snapshot = make_panel("Awkward", genes=["BRCA1", "TP53", "BRCA2"])
    add_str(snapshot, curator, name="STR_ONE")
    add_region(snapshot, curator)
    set_tags(snapshot, get_entity(snapshot, "gene", "TP53"), curator, ["watchlist", "adult-onset"])
    # Written past the services (which clean lists), as old data and other writers may hold them.
    for model in (GenePanelEntrySnapshot, STR, Region):
        model.objects.filter(panel=snapshot).update(publications=AWKWARD, phenotypes=list(reversed(AWKWARD)))
    GenePanelEntrySnapshot.objects.filter(panel=snapshot, gene_core_id="BRCA1").update(
        publications=None, phenotypes=None, penetrance=None, mode_of_pathogenicity=None, transcript=["NM_1", None]
    )
    STR.objects.filter(panel=snapshot).update(position_37_start=None, position_37_end=None, penetrance=None)
    GenePanelEntrySnapshot.objects.filter(panel=snapshot, gene_core_id="BRCA2").update(
        phenotypes=[None, " x "], saved_gel_status=None
    )
    return snapshot


@pytest.mark.django_db
def test_the_sql_answer_is_the_python_answer_before_and_after_the_copies_are_kept(awkward_panel):
    assert set(stored_copies(GenePanelEntrySnapshot).values()) == {None}
    built = assert_same_answer(awkward_panel)

    assert detail_sql.fill([awkward_panel.pk]) == 5  # three genes, an STR and a region
    assert None not in stored_copies(GenePanelEntrySnapshot).values()
    assert assert_same_answer(awkward_panel) == built
    assert detail_sql.fill([awkward_panel.pk]) == 0  # nothing left to keep

    data = json.loads(built)
    tp53 = next(g for g in data["genes"] if g["entity_name"] == "TP53")
    assert tp53["publications"][:3] == ["PMID:1", "full-width padded", "no-break"]
    assert tp53["tags"] == ["adult-onset", "watchlist"]
    assert data["strs"][0]["grch37_coordinates"] is None


@pytest.mark.django_db
def test_a_super_panel_carries_each_childs_panel(awkward_panel, make_panel, curator):
    other = make_panel("Other", genes=["BRCA1"])
    parent = create_panel(
        curator, PanelFields(name="Super", status="public", child_panel_ids=[awkward_panel.panel_id, other.panel_id])
    )
    data = json.loads(assert_same_answer(parent))
    assert {g["panel"]["id"] for g in data["genes"]} == {awkward_panel.panel_id, other.panel_id}
    detail_sql.fill([awkward_panel.pk, other.pk])
    assert_same_answer(parent)


@pytest.mark.django_db
def test_arrays_the_sql_does_not_reproduce_are_built_in_python(awkward_panel):
    """Non-string items (which no service writes) are shown as Python shows them, not guessed."""
    GenePanelEntrySnapshot.objects.filter(panel=awkward_panel, gene_core_id="TP53").update(phenotypes=[1, True, "x"])
    snapshot = live(awkward_panel)
    assert detail_json_from_sql(snapshot) is None
    assert detail_sql.fill([snapshot.pk]) == 4  # every entity but the irregular one
    body = panel_detail_json(snapshot)
    assert body == detail_json_from_rows(snapshot)
    tp53 = next(g for g in json.loads(body)["genes"] if g["entity_name"] == "TP53")
    assert tp53["phenotypes"] == ["1", "True", "x"]


def forgotten(entity) -> bool:
    return stored_copies(type(entity))[entity.pk] is None


@pytest.mark.django_db
def test_every_change_an_entity_shows_forgets_its_kept_copy(awkward_panel, curator):
    snapshot = live(awkward_panel)
    tp53 = get_entity(snapshot, "gene", "TP53")
    brca1 = get_entity(snapshot, "gene", "BRCA1")
    changes = {
        "a field, through the ORM": lambda: GenePanelEntrySnapshot.objects.filter(pk=tp53.pk).update(moi="BIALLELIC"),
        "a model save": lambda: GenePanelEntrySnapshot.objects.get(pk=tp53.pk).save(),
        "a tag added": lambda: tp53.tags.add(Tag.objects.create(name="new-tag")),
        "a tag removed": lambda: tp53.tags.remove(Tag.objects.get(name="watchlist")),
        "a tag renamed": lambda: Tag.objects.filter(name="adult-onset").update(name="adult onset"),
        "a source added": lambda: tp53.evidence.add(Evidence.objects.create(name="Literature", rating=5)),
        "a source renamed": lambda: Evidence.objects.filter(pk=tp53.evidence.order_by("pk").first().pk).update(
            name="Renamed source"
        ),
        "every source cleared": lambda: tp53.evidence.clear(),
        "tags set through the services": lambda: set_tags(snapshot, tp53, curator, ["another"]),
    }
    for change, make in changes.items():
        detail_sql.fill([snapshot.pk])
        assert not forgotten(tp53) and not forgotten(brca1)
        make()
        assert forgotten(tp53), change
        assert not forgotten(brca1), f"{change}: only the changed entity is forgotten"
        assert_same_answer(snapshot)


@pytest.mark.django_db
def test_a_writers_refresh_keeps_the_copies_and_the_answer(make_panel, curator, django_capture_on_commit_callbacks):
    snapshot = make_panel("Refreshed", genes=["BRCA1"])
    entity = get_entity(snapshot, "gene", "BRCA1")
    with django_capture_on_commit_callbacks(execute=True):
        set_tags(snapshot, entity, curator, ["adult-onset"])
    assert not forgotten(entity)
    assert '"tags":["adult-onset"]' in answers.detail_json(live(snapshot)).decode()


@pytest.mark.django_db(transaction=True)
def test_a_refresh_racing_a_change_never_keeps_the_old_links(make_panel):
    """A change to an entity's tags that commits while a refresh is under way is either seen by the
    refresh or forgets what the refresh kept: never a kept copy without the new tag."""
    snapshot = make_panel("Race", genes=["BRCA1", "TP53"])
    entity = get_entity(snapshot, "gene", "BRCA1")
    tag = Tag.objects.create(name="late-tag")
    GenePanelEntrySnapshot.objects.filter(pk=entity.pk).update(moi="BIALLELIC")  # forgotten: the refresh has work
    changed = threading.Event()
    release = threading.Event()
    filled: list[int] = []

    def change_and_hold():
        try:
            with transaction.atomic():
                entity.tags.add(tag)  # locks the entity's row (the trigger forgets its copy)
                changed.set()
                release.wait(10)
        finally:
            connections.close_all()

    def refresh():
        try:
            filled.append(detail_sql.fill([snapshot.pk]))
        finally:
            connections.close_all()

    writer = threading.Thread(target=change_and_hold)
    writer.start()
    assert changed.wait(10)
    refresher = threading.Thread(target=refresh)
    refresher.start()
    time.sleep(0.5)
    assert refresher.is_alive(), "the refresh waits for the change's lock"
    release.set()
    writer.join(10)
    refresher.join(10)
    assert filled and filled[0] >= 1
    copy = stored_copies(GenePanelEntrySnapshot)[entity.pk]
    assert copy is None or '"late-tag"' in copy
    assert '"late-tag"' in panel_detail_json(live(snapshot)).decode()


def test_the_whitespace_stripped_in_sql_is_what_python_strips():
    every = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert every == detail_sql.PYTHON_WHITESPACE
