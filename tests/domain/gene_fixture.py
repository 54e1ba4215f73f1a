"""A gene file in PanelApp's own fixture format (``deploy/genes.json.gz``, reference §6.1), of any
size: ``{"model": "panels.gene", "pk": SYMBOL, "fields": {...}}`` with the arrays written as JSON
text, withdrawn symbols (``X~withdrawn``, inactive, ``ensembl_genes`` the string ``"{}"``) and
the inactive placeholder row with an empty symbol. Used by the tests and bench/domain/load_genes.py.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

#: PanelApp's file: 46,426 rows, 37,361 of them active.
FULL_SIZE, FULL_ACTIVE = 46_426, 37_361


def record(index: int, active: bool) -> dict:
    symbol = f"GENE{index:05d}" if active else f"OLD{index:05d}~withdrawn"
    ensembl = (
        {
            "GRch37": {"82": {"location": f"1:{index * 10}-{index * 10 + 5}", "ensembl_id": f"ENSG{index:011d}"}},
            "GRch38": {"90": {"location": f"1:{index * 10 + 1}-{index * 10 + 6}", "ensembl_id": f"ENSG{index:011d}"}},
        }
        if active
        else "{}"
    )
    return {
        "model": "panels.gene",
        "pk": symbol,
        "fields": {
            "gene_name": f"gene number {index}",
            "ensembl_genes": ensembl,
            "omim_gene": json.dumps([str(600000 + index)]) if active else None,
            "alias": json.dumps([f"AL{index}"]),
            "biotype": "protein_coding",
            "alias_name": "[]",
            "hgnc_symbol": symbol,
            "hgnc_date_symbol_changed": None,
            "hgnc_release": "2017-11-03",
            "hgnc_id": f"HGNC:{100000 + index}",
            "active": active,
        },
    }


PLACEHOLDER = {
    "model": "panels.gene",
    "pk": "",
    "fields": {
        "gene_name": None,
        "ensembl_genes": "{}",
        "omim_gene": None,
        "alias": None,
        "biotype": None,
        "alias_name": None,
        "hgnc_symbol": None,
        "hgnc_date_symbol_changed": None,
        "hgnc_release": None,
        "hgnc_id": None,
        "active": False,
    },
}


def records(total: int = FULL_SIZE, active: int = FULL_ACTIVE) -> list[dict]:
    """``total`` rows: ``active`` active genes, withdrawn ones, and one placeholder."""
    rows = [record(i, active=i < active) for i in range(total - 1)]
    rows.insert(len(rows) // 2, PLACEHOLDER)
    return rows


def write(path: Path, total: int = FULL_SIZE, active: int = FULL_ACTIVE) -> Path:
    """The file, gzip-compressed when ``path`` ends in ``.gz``."""
    text = json.dumps(records(total, active))
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path
