"""Gene records as PanelApp ships them (reference §6.1 and §6.2).

Two shapes are accepted:

* the Django fixture of ``deploy/genes.json.gz``: ``{"model": "panels.gene", "pk": SYMBOL,
  "fields": {...}}`` where array fields are JSON-encoded strings (ArrayField serialisation) and
  inactive rows hold ``ensembl_genes`` as the string ``"{}"``;
* plain gene records, as in the gene-collection upload: ``{"gene_symbol": ..., ...}``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

from django.db import connections, models, transaction

from ..models import Gene

GENE_FIELDS = (
    "gene_name",
    "ensembl_genes",
    "omim_gene",
    "alias",
    "biotype",
    "alias_name",
    "hgnc_symbol",
    "hgnc_date_symbol_changed",
    "hgnc_release",
    "hgnc_id",
    "active",
    "gene_data",
)
_LIST_FIELDS = ("omim_gene", "alias", "alias_name")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%y", "%d/%m/%y")


class GeneRecordError(ValueError):
    pass


def read_json_file(path: str | Path):
    """JSON or gzip-compressed JSON (``.gz``)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def parse_date(value) -> dt.date | None:
    """ISO dates (with or without a time part), ``%d-%m-%y`` or ``%d/%m/%y``."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if len(text) >= 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text[:10])  # the usual form, much faster than strptime
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text[:10] if fmt == "%Y-%m-%d" else text, fmt).date()
        except ValueError:
            continue
    raise GeneRecordError(f"{value!r} is not a date (expected YYYY-MM-DD, DD-MM-YY or DD/MM/YY)")


def _decoded(value, default):
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return [value] if isinstance(default, list) else default
    return default if value is None else value


def record_symbol(record) -> str:
    """The gene symbol of a record of either shape, stripped ("" when it has none)."""
    if not isinstance(record, dict):
        return ""
    symbol = record.get("pk") if "fields" in record else record.get("gene_symbol")
    return "" if symbol is None else str(symbol).strip()


def without_placeholders(records: list) -> tuple[list, int]:
    """The records that name a gene, and how many did not: PanelApp's own gene fixture holds
    inactive placeholder rows with an empty symbol, which name no gene and are skipped."""
    kept = [r for r in records if not isinstance(r, dict) or record_symbol(r)]
    return kept, len(records) - len(kept)


_FIXTURE_JSON_TEXT = frozenset(_LIST_FIELDS) | {"ensembl_genes"}


def _fixture_fields(fields: dict) -> dict:
    """A fixture record's fields with the arrays (and ``ensembl_genes``), which Django's fixture
    format writes as JSON text (``"[\"607040\"]"``), read back; each is decoded once."""
    decoded = dict(fields)
    for key in _FIXTURE_JSON_TEXT.intersection(fields):
        value = fields[key]
        if isinstance(value, str):
            try:
                decoded[key] = json.loads(value)
            except json.JSONDecodeError:
                decoded[key] = [value] if key in _LIST_FIELDS else value
    return decoded


def _as_imported(symbol, fields: dict, fixture: bool) -> dict:
    """The record as API ``gene_data`` shows it: its own keys in its own order, its nulls and its
    strings as written, without the table's ``active`` flag. A fixture record starts with its
    ``pk`` as ``gene_symbol``, its arrays read back (``_fixture_fields``)."""
    data: dict = {"gene_symbol": symbol} if fixture else {}
    data.update((key, value) for key, value in fields.items() if key != "active")
    return data


def normalise(record: dict) -> dict:
    """One gene record (either shape) as Gene model field values, ``gene_symbol`` included."""
    if not isinstance(record, dict):
        raise GeneRecordError("a gene record must be a JSON object")
    fixture = "fields" in record
    if fixture:
        if not isinstance(record["fields"], dict):
            raise GeneRecordError("a fixture record's fields must be a JSON object")
        symbol, fields = record.get("pk"), _fixture_fields(record["fields"])
    else:
        symbol, fields = record.get("gene_symbol"), dict(record)
    if symbol is None or not str(symbol).strip():
        raise GeneRecordError("a gene record needs a gene symbol")
    ensembl = _decoded(fields.get("ensembl_genes"), {})
    if not isinstance(ensembl, dict):
        raise GeneRecordError(f"{symbol}: ensembl_genes must be an object")
    values = {
        "gene_symbol": str(symbol).strip(),
        "gene_name": fields.get("gene_name"),
        "ensembl_genes": ensembl,
        "biotype": fields.get("biotype"),
        "hgnc_symbol": fields.get("hgnc_symbol") or str(symbol).strip(),
        "hgnc_id": fields.get("hgnc_id"),
        "hgnc_date_symbol_changed": parse_date(fields.get("hgnc_date_symbol_changed")),
        "hgnc_release": parse_date(fields.get("hgnc_release")),
        # Genes without Ensembl data cannot be placed on a genome, so they are stored inactive.
        "active": bool(fields["active"]) if "active" in fields else bool(ensembl),
        "gene_data": _as_imported(symbol, fields, fixture),
    }
    for key in _LIST_FIELDS:
        items = _decoded(fields.get(key), [])
        values[key] = [str(i) for i in items] if isinstance(items, list) else [str(items)]
    return values


@transaction.atomic
def upsert_genes(records, batch_size: int = 2000, *, normalised: bool = False) -> tuple[int, int]:
    """Insert or update every record in one transaction. Returns ``(created, updated)``.

    ``normalised``: the records are already ``normalise``'s field values."""
    # One row per symbol, the last record winning, as if they were written one after another
    # (PostgreSQL refuses to upsert the same row twice in one statement).
    rows = list({row["gene_symbol"]: row for row in (records if normalised else map(normalise, records))}.values())
    symbols = [r["gene_symbol"] for r in rows]
    existing: set[str] = set()
    for start in range(0, len(symbols), batch_size):  # SQLite caps the parameters of one statement
        part = symbols[start : start + batch_size]
        existing.update(Gene.objects.filter(gene_symbol__in=part).values_list("gene_symbol", flat=True))
    connection = connections[Gene.objects.db]
    if connection.vendor == "postgresql":
        _upsert_postgresql(connection, rows, batch_size)
    else:
        Gene.objects.bulk_create(
            [Gene(**r) for r in rows],
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["gene_symbol"],
            update_fields=list(GENE_FIELDS),
        )
    updated = len(set(symbols) & existing)
    return len(set(symbols)) - updated, updated


def _upsert_postgresql(connection, rows: list[dict], batch_size: int) -> None:
    """``INSERT ... ON CONFLICT DO UPDATE`` of plain values, many rows a statement: Django's
    ``bulk_create`` spends most of a whole gene file's load preparing each value in Python."""
    from psycopg2.extras import execute_values

    columns = ["gene_symbol", *GENE_FIELDS]
    fields = [field for field in Gene._meta.concrete_fields if field.name in columns]
    fields.sort(key=lambda field: columns.index(field.name))
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    template = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in fields) + ")"
    updates = ", ".join(f"{quote(f.column)} = EXCLUDED.{quote(f.column)}" for f in fields[1:])
    json_columns = {f.name for f in fields if isinstance(f, models.JSONField)}
    # A gene the file does not change is not written again (reloading a file is cheap). json has
    # no equality: compared as text, which is how it is kept.
    table = quote(Gene._meta.db_table)

    def compared(prefix: str, field) -> str:
        column = f"{prefix}.{quote(field.column)}"
        return f"{column}::text" if field.name in json_columns else column

    old = ", ".join(compared(table, f) for f in fields[1:])
    new = ", ".join(compared("EXCLUDED", f) for f in fields[1:])
    sql = (
        f"INSERT INTO {table} ({names}) VALUES %s "
        f"ON CONFLICT ({quote(fields[0].column)}) DO UPDATE SET {updates} "
        f"WHERE ({old}) IS DISTINCT FROM ({new})"
    )

    def value(row: dict, name: str):
        item = row.get(name)
        if name in json_columns:
            return None if item is None else json.dumps(item)
        return item

    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor, sql, [tuple(value(row, name) for name in columns) for row in rows], template, batch_size
        )


SAMPLE_GENES_FILE = Path(__file__).resolve().parent.parent / "data" / "genes_sample.json"
