"""The curators' whole-database downloads: all genes, all STRs, all regions, all panels.

Columns, their names (typos included) and their values are PanelApp's own: a program that reads
PanelApp's ``All_genes_*.tsv`` reads these. The rows come from ``selectors.bulk`` as a stream;
``stream_tsv`` turns them into lines one at a time, so a download of any size takes constant
memory.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .selectors.bulk import PanelRow
from .spreadsheet import FORMULA_STARTS

GENE_HEADER = (
    "Symbol",
    "Panel Id",
    "Panel Name",
    "Panel Version",
    "Panel Status",
    "List",
    "Sources",
    "Mode of inheritance",
    "Mode of pathogenicity",
    "Tags",
    "EnsemblId(GRch37)",
    "EnsemblId(GRch38)",
    "HGNC",
    "Biotype",
    "Phenotypes",
    "GeneLocation((GRch37)",
    "GeneLocation((GRch38)",
)

_LOCATED = (
    "Name",
    "Chromosome",
    "Position GRCh37 start",
    "Position GRCh37 end",
    "Position GRCh38 start",
    "Position GRCh38 end",
)
_PANEL_AND_GENE = (
    "Symbol",
    "Panel Id",
    "Panel Name",
    "Panel Version",
    "Panel Status",
    "List",
    "Sources",
    "Mode of inheritance",
    "Tags",
    "EnsemblId(GRch37)",
    "EnsemblId(GRch38)",
    "Biotype",
    "Phenotypes",
)
STR_HEADER = (
    *_LOCATED,
    "Normal repeats",
    "Pathogenic repeats",
    *_PANEL_AND_GENE,
    "GeneLocation((GRch37)",
    "GeneLocation((GRch38)",
)
REGION_HEADER = (
    *_LOCATED,
    "Variant type",
    "Consequences terms",
    *_PANEL_AND_GENE,
    "GeneLocation(GRch37)",
    "GeneLocation(GRch38)",
)
PANEL_HEADER = (
    "Level 4 title",
    "Level 3 title",
    "Level 2 title",
    "URL",
    "Current Version",
    "Version time stamp",
    "# rated genes/total genes",
    "#reviewers",
    "Reviewer name and affiliation (;)",
    "Reviewer emails (;)",
    "Status",
    "Relevant disorders",
    "Types",
)

CONTENT_TYPE = "text/tab-separated-values"
NONE = "-"


def list_colour(flagged: bool, status: int | None) -> str:
    """The "List" column: grey when flagged (awaiting a curator), else by rating (0 and 1 red)."""
    if flagged:
        return "grey"
    status = status or 0
    if status < 2:
        return "red"
    return "amber" if status == 2 else "green"


def _or_none(value: Any) -> Any:
    return NONE if value is None else value


def _phenotypes(value: Any) -> str:
    return ";".join(str(p) for p in value) if isinstance(value, list) else NONE


def _panel_columns(row: dict[str, Any]) -> list[Any]:
    return [
        row["panel__panel_id"],
        row["panel__level4title__name"],
        f"{row['panel__major_version']}.{row['panel__minor_version']}",
        str(row["panel__panel__status"]).upper(),
        list_colour(row["flagged"], row["saved_gel_status"]),
        row["sources"] or "",
        row["moi"],
    ]


def _gene_columns(row: dict[str, Any], *, hgnc: bool) -> list[Any]:
    """Ensembl ids (and HGNC id), biotype, phenotypes and locations. PanelApp reads Ensembl
    releases 82 (GRch37) and 90 (GRch38) only (``selectors.bulk.GENE_PATHS``) and writes "-" when
    the gene copy lacks them or there is no gene; the copy's own null is an empty cell."""
    no_gene = row["gene_symbol"] is None
    return [
        row["tags_joined"] or "",
        _or_none(row["ensembl_37"]),
        _or_none(row["ensembl_38"]),
        *([row["gene_hgnc_id"]] if hgnc else []),
        NONE if no_gene else row["gene_biotype"],
        _phenotypes(row["phenotypes"]),
        _or_none(row["location_37"]),
        _or_none(row["location_38"]),
    ]


def gene_line(row: dict[str, Any]) -> list[Any]:
    return [
        row["gene_symbol"] or row["gene_core_id"],
        *_panel_columns(row),
        row["mode_of_pathogenicity"],
        *_gene_columns(row, hgnc=True),
    ]


def _located_line(row: dict[str, Any], own: list[Any]) -> list[Any]:
    return [
        row["name"],
        row["chromosome"],
        row["position_37_start"],
        row["position_37_end"],
        row["position_38_start"],
        row["position_38_end"],
        *own,
        _or_none(row["gene_symbol"]),
        *_panel_columns(row),
        *_gene_columns(row, hgnc=False),
    ]


def str_line(row: dict[str, Any]) -> list[Any]:
    return _located_line(row, [row["normal_repeats"], row["pathogenic_repeats"]])


def region_line(row: dict[str, Any]) -> list[Any]:
    # "Consequences terms" are PanelApp's type_of_effects, which this app does not record.
    return _located_line(row, [row["type_of_variants"], ""])


def panel_line(panel: PanelRow, url: str) -> list[Any]:
    stats = panel.stats
    contributors = [
        f"{first} {last} ({affiliation})" if first else username
        for first, last, _email, affiliation, username in panel.reviewers
        if username
    ]
    return [
        panel.name,
        panel.level3,
        panel.level2,
        url,
        panel.version,
        panel.version_created,
        f"{stats.get('number_of_evaluated_genes')} of {stats.get('number_of_genes')} genes reviewed",
        len(panel.reviewers),
        ";".join(contributors),
        ";".join(email for _first, _last, email, _affiliation, _username in panel.reviewers if email),
        panel.status.upper(),
        ";".join(panel.relevant_disorders),
        ";".join(panel.types),
    ]


class _Line:
    """A file-like object whose ``write`` hands back the line csv.writer wrote."""

    def write(self, value: str) -> str:
        return value


#: Lines sent to the client at a time: one write per line costs more than the line itself.
LINES_PER_CHUNK = 500
_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def cell(value: Any) -> str:
    """``panels.spreadsheet.neutralise`` for the download's cells, quicker (half a million cells
    in a whole-database download); a lone ``-`` is PanelApp's "none" and stays as it is."""
    text = "" if value is None else value if type(value) is str else str(value)
    return "'" + text if text[:1] in _FORMULA_FIRST and text != NONE else text


def stream_tsv(header: Iterable[str], rows: Iterable[Any], line: Callable[[Any], list[Any]]) -> Iterator[str]:
    """The TSV as a stream of chunks of lines: the header, then ``line(row)`` of each row. No cell
    is a spreadsheet formula (``panels.spreadsheet``)."""
    writer = csv.writer(_Line(), delimiter="\t")  # "\r\n" line ends, as PanelApp writes them
    chunk = [writer.writerow(list(header))]
    for row in rows:
        chunk.append(writer.writerow([cell(value) for value in line(row)]))
        if len(chunk) >= LINES_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)
