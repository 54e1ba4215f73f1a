"""Reading the whole database for the curators' bulk downloads: every gene, STR and region of
every panel, and every panel.

Each entity kind is one SQL statement read through a server-side cursor in chunks
(``QuerySet.iterator``): memory stays constant and the number of statements does not grow with
the number of rows. An entity's source and tag names come with its row, joined by ``;`` in a
correlated subquery (``STRING_AGG`` on PostgreSQL, ``GROUP_CONCAT`` over an ordered subquery on
SQLite), instead of a second query per chunk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.expressions import RawSQL

from ..models import STR, Evidence, GenePanel, GenePanelEntrySnapshot, GenePanelSnapshot, Region, Tag
from ..models.entities import EntityModel

#: Rows fetched from the server-side cursor at a time.
CHUNK_SIZE = 2000


def joined_names(model: EntityModel, relation: str, order: str) -> RawSQL:
    """The ``name`` of each Evidence (``relation="evidence"``) or Tag (``"tags"``) linked to the
    outer entity row, joined by ``;`` in ``order`` (SQL over the linked table ``x``)."""
    through = getattr(model, relation).through
    target = Evidence if relation == "evidence" else Tag
    link_table = through._meta.db_table
    target_table = target._meta.db_table
    entity_column = f"{model._meta.model_name}_id"
    target_column = f"{target._meta.model_name}_id"
    outer = f'"{model._meta.db_table}"."id"'
    source = (
        f'FROM "{link_table}" l JOIN "{target_table}" x ON x."id" = l."{target_column}" '
        f'WHERE l."{entity_column}" = {outer}'
    )
    if connection.vendor == "postgresql":
        sql = f"(SELECT STRING_AGG(x.\"name\", ';' ORDER BY {order}) {source})"
    else:
        sql = f"(SELECT GROUP_CONCAT(n, ';') FROM (SELECT x.\"name\" AS n {source} ORDER BY {order}))"
    return RawSQL(sql, ())


def json_text(model: EntityModel, *path: str) -> RawSQL:
    """The text at ``path`` in the entity's gene copy (``gene``), NULL when absent. Raw SQL
    because Django's key transforms read a key such as ``"82"`` (an Ensembl release) as an
    array index."""
    column = f'"{model._meta.db_table}"."gene"'
    if connection.vendor == "postgresql":
        return RawSQL(f"({column} #>> %s)", ("{" + ",".join(path) + "}",))
    return RawSQL(f"json_extract({column}, %s)", ("$" + "".join(f'."{key}"' for key in path),))


#: The fields of an entity's gene copy each download reads (column name -> path in the copy);
#: reading them in SQL spares decoding every copy in Python.
GENE_PATHS = {
    "gene_symbol": ("gene_symbol",),
    "gene_hgnc_id": ("hgnc_id",),
    "gene_biotype": ("biotype",),
    "ensembl_37": ("ensembl_genes", "GRch37", "82", "ensembl_id"),
    "ensembl_38": ("ensembl_genes", "GRch38", "90", "ensembl_id"),
    "location_37": ("ensembl_genes", "GRch37", "82", "location"),
    "location_38": ("ensembl_genes", "GRch38", "90", "location"),
}


#: Sources newest first (as on the entity page and in the panel TSV), tags by name.
SOURCES_ORDER = 'x."created" DESC, x."id" DESC'
TAGS_ORDER = 'x."name" ASC'

#: The columns every entity row carries, in this order, before the kind's own.
COMMON_FIELDS = (
    "panel__panel_id",
    "panel__level4title__name",
    "panel__major_version",
    "panel__minor_version",
    "panel__panel__status",
    "flagged",
    "saved_gel_status",
    "sources",
    "moi",
    "tags_joined",
    *GENE_PATHS,
    "phenotypes",
)

OWN_FIELDS: dict[EntityModel, tuple[str, ...]] = {
    GenePanelEntrySnapshot: ("gene_core_id", "mode_of_pathogenicity"),
    STR: (
        "name",
        "chromosome",
        "position_37_start",
        "position_37_end",
        "position_38_start",
        "position_38_end",
        "normal_repeats",
        "pathogenic_repeats",
    ),
    Region: (
        "name",
        "chromosome",
        "position_37_start",
        "position_37_end",
        "position_38_start",
        "position_38_end",
        "type_of_variants",
    ),
}


def entity_rows(model: EntityModel, statuses: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Every entity of ``model`` on a panel with one of ``statuses``, as a dict of
    ``COMMON_FIELDS`` and the kind's ``OWN_FIELDS``; by panel id, rating (highest first), name.

    Super panels own no entities, so each entity comes once, under the panel that holds it.
    """
    name = "gene_core_id" if model is GenePanelEntrySnapshot else "name"
    fields = (*COMMON_FIELDS, *OWN_FIELDS[model])
    qs = (
        model.objects.filter(panel__panel__status__in=list(statuses))
        .annotate(
            sources=joined_names(model, "evidence", SOURCES_ORDER),
            tags_joined=joined_names(model, "tags", TAGS_ORDER),
            **{name: json_text(model, *path) for name, path in GENE_PATHS.items()},
        )
        .order_by("panel__panel_id", "-saved_gel_status", name, "id")
        .values_list(*fields)
    )
    with without_jit():
        for row in qs.iterator(chunk_size=CHUNK_SIZE):
            yield dict(zip(fields, row, strict=True))


@contextmanager
def without_jit() -> Iterator[None]:
    """PostgreSQL's JIT compiler spends about a second on these statements (their correlated
    subqueries make the estimate look expensive) and saves nothing: off for the read, then back
    to the server's setting."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


@dataclass
class PanelRow:
    """One panel of the all-panels download, with what its columns need."""

    panel_id: int
    name: str
    level3: str
    level2: str
    version: str
    version_created: Any
    stats: dict[str, Any]
    status: str
    relevant_disorders: list[str]
    types: list[str]
    reviewers: list[tuple[str, str, str, str, str]]


def panel_rows(statuses: Sequence[str]) -> Iterator[PanelRow]:
    """Every panel with one of ``statuses``, by name, in four statements whatever their number:
    the panels, their types, and the people who reviewed their entities (first and last name,
    email, affiliation, username; ordered by last then first name, as PanelApp lists them)."""
    snapshots = (
        GenePanelSnapshot.objects.filter(panel__status__in=list(statuses))
        .order_by("level4title__name", "panel_id")
        .values_list(
            "panel_id",
            "level4title__name",
            "level4title__level3title",
            "level4title__level2title",
            "major_version",
            "minor_version",
            "created",
            "stats",
            "panel__status",
            "old_panels",
        )
    )
    rows = list(snapshots)
    panel_ids = [row[0] for row in rows]
    types: dict[int, list[str]] = {pk: [] for pk in panel_ids}
    for panel_id, type_name in (
        GenePanel.types.through.objects.filter(genepanel_id__in=panel_ids)
        .order_by("paneltype__name")
        .values_list("genepanel_id", "paneltype__name")
    ):
        types[panel_id].append(type_name)
    reviewer_ids = {pk for row in rows for pk in ((row[7] or {}).get("entity_reviewers") or [])}
    people: dict[int, tuple[str, str, str, str, str]] = {
        pk: (first or "", last or "", email or "", affiliation or "", username or "")
        for pk, first, last, email, affiliation, username in get_user_model()
        .objects.filter(pk__in=reviewer_ids)
        .values_list("pk", "first_name", "last_name", "email", "reviewer__affiliation", "username")
    }
    for panel_id, name, level3, level2, major, minor, created, stats, status, old_panels in rows:
        reviewers = [people[pk] for pk in (stats or {}).get("entity_reviewers") or [] if pk in people]
        reviewers.sort(key=lambda person: (person[1], person[0]))
        yield PanelRow(
            panel_id=panel_id,
            name=name,
            level3=level3,
            level2=level2,
            version=f"{major}.{minor}",
            version_created=created,
            stats=stats or {},
            status=status,
            relevant_disorders=[str(d) for d in old_panels or []],
            types=types[panel_id],
            reviewers=reviewers,
        )
