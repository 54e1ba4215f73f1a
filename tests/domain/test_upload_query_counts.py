"""Imports work in bulk: the SQL statements an upload costs do not grow with its rows, only with
the number of panels it names; and a bulk import leaves the same history as the row-by-row edits."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panels.imports.genes_json import import_genes_json
from panels.imports.panel_tsv import import_panel_tsv
from panels.imports.reviews_tsv import COLUMNS, import_reviews_tsv
from panels.models import Activity, Gene, GenePanelEntrySnapshot
from panels.services.entities import apply_entity_update, apply_new_entity, get_entity, refresh_status
from panels.services.versioning import panel_change

from .conftest import make_user
from .test_uploads import synthetic_genes
from .uploads_helpers import gene_row, panel_tsv

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def statements(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def test_panel_tsv_costs_the_same_statements_for_4_or_60_rows(make_panel, curator):
    symbols = synthetic_genes(30)
    for name in ("Small A", "Small B", "Large A", "Large B"):
        make_panel(name, genes=[])
    small = panel_tsv([gene_row(s, p) for p in ("Small A", "Small B") for s in symbols[:2]])
    large = panel_tsv([gene_row(s, p) for p in ("Large A", "Large B") for s in symbols])
    adds = statements(lambda: import_panel_tsv(small, curator)), statements(lambda: import_panel_tsv(large, curator))
    assert adds[0] == adds[1], adds
    # Again, now every row updates an entity (new phenotype, a replaced expert review).
    again = dict(Phenotypes="Another phenotype", **{"Sources(; separated)": "Expert Review Amber"})
    small = panel_tsv([gene_row(s, p, **again) for p in ("Small A", "Small B") for s in symbols[:2]])
    large = panel_tsv([gene_row(s, p, **again) for p in ("Large A", "Large B") for s in symbols])
    updates = statements(lambda: import_panel_tsv(small, curator)), statements(lambda: import_panel_tsv(large, curator))
    assert updates[0] == updates[1], updates
    assert GenePanelEntrySnapshot.objects.filter(panel__level4title__name="Large B", saved_gel_status=2).count() == 30


def test_reviews_tsv_costs_the_same_statements_for_2_or_40_rows(make_panel, curator):
    symbols = synthetic_genes(20)
    make_panel("Small", genes=symbols[:1])
    make_panel("Large", genes=symbols)
    users = [make_user(f"reviewer{n}", "REVIEWER") for n in range(2)]

    def tsv(panel: str, genes: list[str]) -> bytes:
        lines = ["\t".join(COLUMNS)]
        for symbol in genes:
            for user in users:
                cells = dict.fromkeys(COLUMNS, "")
                cells.update(
                    Gene_Symbol=symbol,
                    Level4=panel,
                    Rate="GREEN",
                    Username=user.username,
                    Comments="ok",
                    **{"Current Diagnostic": "True"},
                )
                lines.append("\t".join(cells[c] for c in COLUMNS))
        return "\n".join(lines).encode()

    counts = (
        statements(lambda: import_reviews_tsv(tsv("Small", symbols[:1]), curator)),
        statements(lambda: import_reviews_tsv(tsv("Large", symbols), curator)),
    )
    assert counts[0] == counts[1], counts


def test_gene_json_costs_the_same_statements_for_2_or_40_genes(make_panel, curator):
    make_panel("Panel", genes=["BRCA1", "TP53"])

    def payload(prefix: str, n: int) -> bytes:
        records = [
            {
                "gene_symbol": f"{prefix}{i}",
                "gene_name": f"gene {i}",
                "hgnc_symbol": f"{prefix}{i}",
                "ensembl_genes": {"GRch38": {"90": {"ensembl_id": f"ENSG{i:011d}", "location": "1:1-2"}}},
            }
            for i in range(n)
        ]
        return json.dumps(
            {
                "insert": records,
                "update": records,
                "update_symbol": [[records[0], f"OLD{prefix}"]],
                "delete": [f"GONE{prefix}"],
            }
        ).encode()

    counts = (
        statements(lambda: import_genes_json(payload("FEW", 2), curator)),
        statements(lambda: import_genes_json(payload("MANY", 40), curator)),
    )
    assert counts[0] == counts[1], counts
    assert Gene.objects.filter(gene_symbol__startswith="MANY").count() == 40


def _history(snapshot) -> list[tuple]:
    """What a curator sees of each entity: rating, flags, fields, sources, history and feed lines."""
    rows = []
    for entity in GenePanelEntrySnapshot.objects.filter(panel=snapshot).order_by("gene_core_id"):
        rows.append(
            (
                entity.name,
                entity.saved_gel_status,
                entity.flagged,
                entity.moi,
                entity.phenotypes,
                entity.publications,
                [e.name for e in entity.evidence.order_by("-created", "-id")],
                [
                    (t.issue_type, t.issue_description.replace(snapshot.level4title.name, "<panel>"), t.gel_status)
                    for t in entity.track.order_by("created", "id")
                ],
            )
        )
    feed = [
        (a.entity_name, a.text.replace(snapshot.level4title.name, "<panel>"))
        for a in Activity.objects.filter(panel=snapshot.panel, item_type="entity").order_by("created", "id")
    ]
    return rows, feed


def test_a_bulk_upload_leaves_the_same_entities_and_history_as_row_by_row_edits(make_panel, curator):
    from panels.imports.common import read_tsv
    from panels.imports.panel_tsv import _parse_row

    bulk, rows = make_panel("Bulk", genes=[]), make_panel("Rows", genes=[])
    file_rows = [
        {"symbol": "A1CF"},
        {"symbol": "ABCC5", "sources": "Literature"},  # no expert review: red
        {
            "symbol": "A1CF",
            "sources": "Expert Review Amber;NHS GMS",
            "Phenotypes": "Later phenotype",
        },  # same file, updated
        {"symbol": "TP53", "Flagged": "True"},
        {"symbol": "ABCC5", "sources": "Expert Review Red;Expert Review Green"},  # both kept, the last rates
        {"symbol": "ABCC5"},  # nothing new: no history line
    ]

    def tsv(panel: str) -> bytes:
        return panel_tsv([gene_row(r.pop("symbol"), panel, **r) for r in [dict(row) for row in file_rows]])

    def row_by_row(panel: str) -> None:
        problems = []
        parsed = [_parse_row(line, cells, problems) for line, cells in read_tsv(tsv(panel), problems)]
        assert not problems
        with panel_change(rows, comment="Panel list upload"):
            for row in parsed:
                entity = get_entity(rows, "gene", row.fields.gene_symbol)
                if entity is None:  # a new entity ignores its Flagged column (curators' are not flagged)
                    entity = apply_new_entity(rows, curator, "gene", row.fields)
                else:  # one on the panel takes it, True or False
                    apply_entity_update(rows, entity, curator, "gene", row.fields, append_only=True)
                    if row.flagged != entity.flagged:
                        entity.flagged = row.flagged
                        refresh_status(entity)

    import_panel_tsv(tsv("Bulk"), curator)
    row_by_row("Rows")
    # A second file changes the stored entities: a replaced expert review, more phenotypes, a flag.
    file_rows[:] = [
        {
            "symbol": "A1CF",
            "sources": "Expert Review Red",
            "Phenotypes": "Third phenotype",
            "moi": "BIALLELIC, autosomal or pseudoautosomal",
        },
        {"symbol": "ABCC5", "Flagged": "True", "Publications": "PMID:999"},
        {"symbol": "TP53", "sources": "UKGTN;Expert Review Green"},
        {"symbol": "APC"},
    ]
    import_panel_tsv(tsv("Bulk"), curator)
    row_by_row("Rows")
    bulk.refresh_from_db()
    rows.refresh_from_db()
    assert bulk.version == rows.version
    assert dict(bulk.stats.items()) == rows.stats
    expected = _history(rows)
    assert [r[0] for r in expected[0]] == ["A1CF", "ABCC5", "APC", "TP53"]
    assert _history(bulk) == expected
