"""Genes named by HGNC id (``HGNC:1100``) wherever the web UI takes a gene symbol."""

from __future__ import annotations

import re

from ..models import Gene

HGNC_ID_RE = re.compile(r"^HGNC:\d{1,10}$", re.IGNORECASE)


def is_hgnc_id(name: str) -> bool:
    return bool(HGNC_ID_RE.match(name or ""))


def symbol_of_hgnc_id(name: str) -> str | None:
    """The symbol of the gene with this HGNC id (the active one when a withdrawn symbol shares
    it), or None when ``name`` is no HGNC id or no gene has it."""
    if not is_hgnc_id(name):
        return None
    hgnc_id = "HGNC:" + name.split(":", 1)[1]
    row = (
        Gene.objects.filter(hgnc_id=hgnc_id)
        .order_by("-active", "gene_symbol")
        .values_list("gene_symbol", flat=True)
        .first()
    )
    return row


def gene_symbol(name: str) -> str:
    """``name`` as a gene symbol: an HGNC id becomes its gene's symbol, anything else is kept."""
    return symbol_of_hgnc_id(name) or name
