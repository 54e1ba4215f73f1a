"""Genes named by their HGNC id (``HGNC:1100``) wherever the API accepts a gene symbol."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Gene

HGNC_PREFIX = "HGNC:"


def is_hgnc_id(name: str) -> bool:
    return name.upper().startswith(HGNC_PREFIX)


def resolve_gene_names(names: Iterable[str]) -> list[str]:
    """``names`` with each HGNC id replaced by the symbols of the genes that have it (active
    first, then A-Z); other names, and HGNC ids no gene has, stay as they are. One query, and
    none when no name is an HGNC id. The order is kept and repeats dropped."""
    names = list(names)
    wanted = {name.upper() for name in names if is_hgnc_id(name)}
    if not wanted:
        return list(dict.fromkeys(names))
    symbols: dict[str, list[str]] = {}
    rows = (
        Gene.objects.filter(hgnc_id__in=sorted(wanted | {_canonical(w) for w in wanted}))
        .order_by("-active", "gene_symbol")
        .values_list("hgnc_id", "gene_symbol")
    )
    for hgnc_id, symbol in rows:
        symbols.setdefault(_canonical(hgnc_id or ""), []).append(symbol)
    resolved: list[str] = []
    for name in names:
        resolved.extend(symbols.get(_canonical(name), [name]) if is_hgnc_id(name) else [name])
    return list(dict.fromkeys(resolved))


def _canonical(hgnc_id: str) -> str:
    """``hgnc:1100`` and ``HGNC:1100`` name the same gene; the table spells it ``HGNC:1100``."""
    return HGNC_PREFIX + hgnc_id[len(HGNC_PREFIX) :] if is_hgnc_id(hgnc_id) else hgnc_id
