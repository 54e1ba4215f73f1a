"""A panel's entities in the API detail's JSON, written by PostgreSQL and kept per entity.

Building the detail of a 1,000-gene panel in Python costs a dictionary, two list cleanings and a
JSON encoding per entity (58 of the 65 ms an uncached detail took). Here each entity keeps its
part of the answer in a column (``COLUMN``, added by migration 0005, which says why it is not a
model field and which triggers forget it on every change it shows), written by PostgreSQL in the
API's key order and compact form (``row_to_json`` writes no spaces; ``to_json`` of a text array
escapes strings exactly as Python's ``json.dumps(..., ensure_ascii=False)`` does). The reading
query (``entity_json``) builds a forgotten part in place; the writer's refresh stores it again
(``fill``). ``representation.detail_json_from_sql`` sorts and joins the parts, each with its gene
copy as stored.

What ``representation`` does in Python is done here in SQL, and a test holds the two to the same
bytes (tests/domain/test_detail_sql.py):

* string arrays are cleaned like ``clean_list``: items stripped of exactly the characters Python's
  ``str.strip()`` strips (``PYTHON_WHITESPACE``, passed in as a parameter), blank and null items
  dropped;
* ``mode_of_inheritance`` is ``moi`` or ``""``, ``confidence_level`` the status as a string;
* sources are newest first, tags by name, as ``entity_rows`` reads them.

Arrays that are not arrays of strings (never written by the services) are neither kept nor
guessed at: ``entity_json`` answers None and the caller builds that panel in Python. The order of
entities (``representation.detail_sort_key``) is applied in Python, the only place its case
folding is defined.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, transaction

from .models import STR, GenePanelEntrySnapshot
from .models.entities import EntityModel
from .selectors.entities import ENTITY_MODELS_IN_ORDER, name_field

#: The entity column keeping the entity's JSON; not a model field (migration 0005 says why).
COLUMN = "detail_json"

#: Every character ``str.strip()`` removes (``str.isspace``), for ``btrim`` to remove the same;
#: spelled out (computing it costs a process 0.1 s at start), checked against Python by a test.
PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(frozen=True)
class EntityJSON:
    """One entity of the detail: its sort fields, and its JSON text without the closing brace
    (a super panel's entities get ``"panel"`` appended)."""

    panel_id: int
    saved_gel_status: int | None
    name: str | None
    open_json: str


def _cleaned(column: str) -> str:
    """``clean_list(column)`` as a text array (empty for SQL or JSON null)."""
    return (
        f"CASE WHEN jsonb_typeof({column}) = 'array' THEN ARRAY("
        f"SELECT btrim(item, %(ws)s) FROM jsonb_array_elements_text({column}) WITH ORDINALITY AS a(item, n) "
        f"WHERE btrim(item, %(ws)s) <> '' ORDER BY n) ELSE '{{}}'::text[] END"
    )


def _cleaned_or_null(column: str) -> str:
    """``None`` when the column is null, else ``clean_list(column)``."""
    return f"CASE WHEN jsonb_typeof({column}) <> 'null' THEN {_cleaned(column)} END"


def _as_stored(column: str) -> str:
    """A string array as it is (null stays null)."""
    return (
        f"CASE WHEN jsonb_typeof({column}) = 'array' THEN ARRAY("
        f"SELECT item FROM jsonb_array_elements_text({column}) WITH ORDINALITY AS a(item, n) ORDER BY n) END"
    )


def _strings_or_null(column: str) -> str:
    """True when the column is SQL or JSON null, or an array of strings and nulls: what the
    expressions above reproduce exactly."""
    return (
        f"(jsonb_typeof({column}) IS NULL OR jsonb_typeof({column}) = 'null' OR "
        f"(jsonb_typeof({column}) = 'array' AND NOT EXISTS ("
        f"SELECT 1 FROM jsonb_array_elements({column}) AS a(item) WHERE jsonb_typeof(item) NOT IN ('string', 'null'))))"
    )


def _pair(start: str, end: str) -> str:
    """``Coordinates``: ``[start, end]``, or null when either is missing."""
    return f"CASE WHEN {start} IS NULL OR {end} IS NULL THEN NULL ELSE ARRAY[{start}, {end}] END"


def _keys(model: EntityModel) -> list[tuple[str, str]]:
    """``(key, SQL)`` after ``gene_data``, in ``representation``'s order for the model."""
    common_head = [
        ("entity_type", "%(entity_type)s::text"),
        ("entity_name", f"e.{name_field(model)}"),
    ]
    confidence = ("confidence_level", "COALESCE(e.saved_gel_status, 0)::text")
    sources = [
        ("publications", _cleaned_or_null("e.publications")),
        ("evidence", _names(model, "evidence", "r.created DESC, r.id DESC")),
        ("phenotypes", _cleaned("e.phenotypes")),
        ("mode_of_inheritance", "COALESCE(e.moi, '')"),
    ]
    tags = ("tags", _names(model, "tags", "r.name"))
    located = [
        ("chromosome", "e.chromosome"),
        ("grch37_coordinates", _pair("e.position_37_start", "e.position_37_end")),
        ("grch38_coordinates", _pair("e.position_38_start", "e.position_38_end")),
    ]
    if model is GenePanelEntrySnapshot:
        return [
            *common_head,
            confidence,
            ("penetrance", "e.penetrance"),
            ("mode_of_pathogenicity", "e.mode_of_pathogenicity"),
            *sources,
            tags,
            ("transcript", _as_stored("e.transcript")),
        ]
    if model is STR:
        return [
            *common_head,
            confidence,
            ("penetrance", "e.penetrance"),
            *sources,
            ("repeated_sequence", "e.repeated_sequence"),
            *located,
            ("normal_repeats", "e.normal_repeats"),
            ("pathogenic_repeats", "e.pathogenic_repeats"),
            tags,
        ]
    return [
        *common_head,
        ("verbose_name", "e.verbose_name"),
        confidence,
        ("penetrance", "e.penetrance"),
        ("mode_of_pathogenicity", "e.mode_of_pathogenicity"),
        ("haploinsufficiency_score", "e.haploinsufficiency_score"),
        ("triplosensitivity_score", "e.triplosensitivity_score"),
        ("required_overlap_percentage", "e.required_overlap_percentage"),
        ("type_of_variants", "e.type_of_variants"),
        *sources,
        *located,
        tags,
    ]


def _names(model: EntityModel, field: str, order: str) -> str:
    """The names of the entity's sources or tags, as a text array (empty when none)."""
    through = getattr(model, field).through
    entity_column = through._meta.get_field(model._meta.model_name).column
    target = through._meta.get_field("evidence" if field == "evidence" else "tag")
    related = target.related_model._meta.db_table
    return (
        f"ARRAY(SELECT r.name FROM {through._meta.db_table} t JOIN {related} r ON r.id = t.{target.column} "
        f"WHERE t.{entity_column} = e.id ORDER BY {order})"
    )


def _fragment(model: EntityModel) -> str:
    """The entity's JSON object after ``gene_data``: what the column keeps."""
    columns = ", ".join(f'{sql} AS "{key}"' for key, sql in _keys(model))
    return f"(SELECT row_to_json(r)::text FROM (SELECT {columns}) AS r)"


def _regular(model: EntityModel) -> str:
    arrays = ["e.publications", "e.phenotypes"] + (["e.transcript"] if model is GenePanelEntrySnapshot else [])
    return " AND ".join(_strings_or_null(column) for column in arrays)


def _read_query(model: EntityModel) -> str:
    # COALESCE computes the fragment only for entities whose copy was forgotten.
    return (
        f"SELECT e.panel_id, e.saved_gel_status, e.{name_field(model)}, e.gene::text, "
        f"COALESCE(e.{COLUMN}, {_fragment(model)}), "
        f"e.{COLUMN} IS NOT NULL OR ({_regular(model)}) "
        f"FROM {model._meta.db_table} e WHERE e.panel_id = ANY(%(panels)s)"
    )


def _fill_query(model: EntityModel) -> str:
    return (
        f"UPDATE {model._meta.db_table} e SET {COLUMN} = {_fragment(model)} "
        f"WHERE e.panel_id = ANY(%(panels)s) AND e.{COLUMN} IS NULL AND {_regular(model)}"
    )


def _lock_query(model: EntityModel) -> str:
    return f"SELECT e.id FROM {model._meta.db_table} e WHERE e.panel_id = ANY(%(panels)s) AND e.{COLUMN} IS NULL FOR UPDATE"


READ = {model: _read_query(model) for model in ENTITY_MODELS_IN_ORDER}
FILL = {model: (_lock_query(model), _fill_query(model)) for model in ENTITY_MODELS_IN_ORDER}


def supported(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def _params(model: EntityModel, snapshot_ids) -> dict:
    return {"panels": list(snapshot_ids), "ws": PYTHON_WHITESPACE, "entity_type": model.entity_type.value}


def entity_json(model: EntityModel, snapshot_ids: list[int], using: str = "default") -> list[EntityJSON] | None:
    """The entities of ``model`` on these panels as JSON (unsorted), or ``None`` when one of them
    holds an array the SQL does not reproduce exactly (the caller builds the panel in Python)."""
    with connections[using].cursor() as cursor:
        cursor.execute(READ[model], _params(model, snapshot_ids))
        rows = cursor.fetchall()
    entities = []
    for panel_id, status, name, gene, rest, regular in rows:
        if not regular:
            return None
        # ``rest`` is ``{"entity_type":...}``: the gene copy goes first, as stored.
        entities.append(EntityJSON(panel_id, status, name, f'{{"gene_data":{gene or "null"},{rest[1:-1]}'))
    return entities


#: Copies missing at once from which the tables' planner statistics are refreshed first: after a
#: bulk upload into a (nearly) empty database they still say the tables are empty, and the
#: fill's per-entity lookups of sources and tags would scan whole tables (10 s instead of 1 s
#: for the 7,649-row upload, bench/domain/bulk_upload.py).
ANALYZE_FROM = 2_000


def _analyze(cursor, model: EntityModel) -> None:
    tables = [model._meta.db_table, model.evidence.through._meta.db_table, model.tags.through._meta.db_table]
    cursor.execute(f"ANALYZE {', '.join(tables)}")


def fill(snapshot_ids, using: str = "default") -> int:
    """Store the copies these panels' entities are missing; returns how many were stored.

    The missing rows are locked first, in their own statement: a change to an entity's sources or
    tags forgets the copy by updating the row, so it waits for this transaction, or this one
    waits for it and then reads it (a single UPDATE would read the links as they were when it
    started, and could store a copy of links that changed while it waited)."""
    ids = sorted(set(snapshot_ids))
    if not ids or not supported(using):
        return 0
    stored = 0
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for model in ENTITY_MODELS_IN_ORDER:
            lock, update = FILL[model]
            params = _params(model, ids)
            cursor.execute(lock, params)
            missing = len(cursor.fetchall())
            if not missing:
                continue
            if missing >= ANALYZE_FROM:
                _analyze(cursor, model)
            cursor.execute("SELECT set_config('panelapp.entity_json_fill', 'on', true)")
            try:
                cursor.execute(update, params)
                stored += cursor.rowcount
            finally:
                cursor.execute("SELECT set_config('panelapp.entity_json_fill', 'off', true)")
    return stored
