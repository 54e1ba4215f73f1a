"""What the MOI check reads: the green genes of released public panels, in one query."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from panels.models import GenePanelEntrySnapshot
from panels.vocab import VISIBLE_STATUSES

from .checks import GreenGene

logger = logging.getLogger(__name__)

GREEN = 3


def _gene_data(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _omim_ids(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return ()
    return tuple(str(i) for i in value) if isinstance(value, list) else ()


def chromosome(gene_data: dict[str, Any]) -> str | None:
    """The chromosome of the first location in the gene's Ensembl data, as PanelApp reads it."""
    builds = _gene_data(gene_data.get("ensembl_genes"))
    if not builds:
        return None
    for releases in builds.values():
        if not isinstance(releases, dict):
            continue
        for data in releases.values():
            if isinstance(data, dict) and data.get("location"):
                return str(data["location"]).split(":")[0]
    return None


def green_genes() -> Iterator[GreenGene]:
    """Green genes of public panels at version 1.0 or later (PanelApp's "released" panels).

    Read from plain rows in one query, streamed, whatever the number of panels and genes.
    """
    rows = (
        GenePanelEntrySnapshot.objects.filter(
            saved_gel_status__gte=GREEN,
            panel__major_version__gte=1,
            panel__panel__status__in=VISIBLE_STATUSES,
        )
        .order_by("gene_core_id", "panel__panel_id")
        .values_list(
            "gene_core_id",
            "moi",
            "gene",
            "panel__panel_id",
            "panel__level4title__name",
            "panel__major_version",
            "panel__minor_version",
        )
    )
    for symbol, moi, gene, panel_id, name, major, minor in rows.iterator(chunk_size=2000):
        data = _gene_data(gene)
        found = chromosome(data)
        if found is None:
            logger.warning("Can't get chromosome from gene data of %s on panel %s", symbol, panel_id)
        yield GreenGene(
            name=symbol or "",
            moi=moi or "",
            panel=f"{name} v{major}.{minor}",
            panel_id=panel_id,
            chromosome=found,
            omim_ids=_omim_ids(data.get("omim_gene")),
        )
