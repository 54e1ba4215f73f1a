"""Panel downloads: PanelApp's 36-column TSV (reference §4.1), of the current or any earlier version.

The same layout is what curators upload (panels.imports.panel_tsv), so a downloaded panel can be
edited and uploaded again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator

from .models import STR, GenePanelEntrySnapshot, GenePanelSnapshot, HistoricalSnapshot, Region
from .models.genes import ensembl_id_from
from .selectors.entities import entity_queryset
from .selectors.panels import snapshot_ids_for_entities
from .spreadsheet import neutralise

HEADER = (
    "Entity Name",
    "Entity type",
    "Gene Symbol",
    "Sources(; separated)",
    "Level4",
    "Level3",
    "Level2",
    "Model_Of_Inheritance",
    "Phenotypes",
    "Omim",
    "Orphanet",
    "HPO",
    "Publications",
    "Description",
    "Flagged",
    "GEL_Status",
    "UserRatings_Green_amber_red",
    "version",
    "ready",
    "Mode of pathogenicity",
    "EnsemblId(GRch37)",
    "EnsemblId(GRch38)",
    "HGNC",
    "Position Chromosome",
    "Position GRCh37 Start",
    "Position GRCh37 End",
    "Position GRCh38 Start",
    "Position GRCh38 End",
    "STR Repeated Sequence",
    "STR Normal Repeats",
    "STR Pathogenic Repeats",
    "Region Haploinsufficiency Score",
    "Region Triplosensitivity Score",
    "Region Required Overlap Percentage",
    "Region Variant Type",
    "Region Verbose Name",
)
COLUMN = {name: index for index, name in enumerate(HEADER)}
CONTENT_TYPE = "text/tab-separated-values"

CATEGORIES_RE = re.compile(r"^[0-4]{1,5}$")


class InvalidCategories(ValueError):
    pass


def parse_categories(text: str) -> set[int]:
    """``"34"`` -> ``{3, 4}``: which ratings to include (0 none, 1 red, 2 amber, 3 and 4 green)."""
    if not CATEGORIES_RE.match(text or ""):
        raise InvalidCategories("Categories are digits 0 to 4, e.g. 34 for green, 234 for green and amber.")
    return {int(c) for c in text}


def filename(panel_name: str, version: str | None = None) -> str:
    # Printable ASCII only: a control character (a legacy name with CR/LF) cannot go in a header.
    safe = "".join(c if " " <= c <= "~" and c not in '\\/:*?"<>|' else "_" for c in panel_name).strip() or "panel"
    return f"{safe}.tsv" if version is None else f"{safe} v{version}.tsv"


def _join(values) -> str:
    return ";".join(str(v) for v in (values or []) if str(v).strip())


def _review_ratings(model, entity_ids: list[int]) -> dict[int, list[str]]:
    column = f"{model._meta.model_name}_id"
    ratings: dict[int, list[str]] = {}
    for entity_id, rating in model.evaluation.through.objects.filter(**{f"{column}__in": entity_ids}).values_list(
        column, "evaluation__rating"
    ):
        ratings.setdefault(entity_id, []).append(rating)
    return ratings


def _ratings(ratings: list[str]) -> str:
    total = len(ratings)
    if not total:
        return "0;0;0"
    return ";".join(str(round(100 * ratings.count(r) / total)) for r in ("GREEN", "AMBER", "RED"))


def _row(**values) -> list[str]:
    row = [""] * len(HEADER)
    for name, value in values.items():
        row[COLUMN[name]] = "" if value is None else str(value)
    return row


def _location_columns(chromosome, p37, p38) -> dict:
    return {
        "Position Chromosome": chromosome,
        "Position GRCh37 Start": p37[0] if p37 else "",
        "Position GRCh37 End": p37[1] if p37 else "",
        "Position GRCh38 Start": p38[0] if p38 else "",
        "Position GRCh38 End": p38[1] if p38 else "",
    }


def live_rows(snapshot: GenePanelSnapshot, categories: set[int]) -> Iterator[list[str]]:
    """The current version. Flagged and unrated (grey) entities are never exported."""
    title = snapshot.level4title
    panel_columns = {
        "Level4": title.name,
        "Level3": title.level3title,
        "Level2": title.level2title,
        "Omim": _join(title.omim),
        "Orphanet": _join(title.orphanet),
        "HPO": _join(title.hpo),
        "Description": title.description,
        "version": snapshot.version,
    }
    ids = snapshot_ids_for_entities(snapshot)
    for model in (GenePanelEntrySnapshot, STR, Region):
        qs = entity_queryset(model).filter(panel_id__in=ids, flagged=False, saved_gel_status__gt=0)
        wanted = [
            e for e in qs if min(e.saved_gel_status, 4) in categories or (e.saved_gel_status >= 3 and 3 in categories)
        ]
        ratings = _review_ratings(model, [e.pk for e in wanted])
        for entity in sorted(wanted, key=lambda e: (-e.saved_gel_status, e.name)):
            gene = entity.gene or {}
            values = {
                **panel_columns,
                "Entity Name": entity.name,
                "Entity type": str(entity.entity_type),
                "Gene Symbol": gene.get("gene_symbol", ""),
                "Sources(; separated)": _join(entity.evidence_names),
                "Model_Of_Inheritance": entity.moi,
                "Phenotypes": _join(entity.phenotypes),
                "Publications": _join(entity.publications),
                "Flagged": entity.flagged,
                "GEL_Status": entity.saved_gel_status,
                "UserRatings_Green_amber_red": _ratings(ratings.get(entity.pk, [])),
                "ready": entity.ready,
                "Mode of pathogenicity": entity.mode_of_pathogenicity or "",
                "EnsemblId(GRch37)": ensembl_id_from(gene.get("ensembl_genes"), "GRch37"),
                "EnsemblId(GRch38)": ensembl_id_from(gene.get("ensembl_genes"), "GRch38"),
                "HGNC": gene.get("hgnc_id") or "",
            }
            if model is not GenePanelEntrySnapshot:
                values.update(
                    _location_columns(entity.chromosome, entity.grch37_coordinates, entity.grch38_coordinates)
                )
            if model is STR:
                values.update(
                    {
                        "STR Repeated Sequence": entity.repeated_sequence,
                        "STR Normal Repeats": entity.normal_repeats,
                        "STR Pathogenic Repeats": entity.pathogenic_repeats,
                    }
                )
            if model is Region:
                values.update(
                    {
                        "Region Haploinsufficiency Score": entity.haploinsufficiency_score or "",
                        "Region Triplosensitivity Score": entity.triplosensitivity_score or "",
                        "Region Required Overlap Percentage": entity.required_overlap_percentage,
                        "Region Variant Type": entity.type_of_variants,
                        "Region Verbose Name": entity.verbose_name or "",
                    }
                )
            yield _row(**values)


def historical_rows(historical: HistoricalSnapshot) -> Iterator[list[str]]:
    """An earlier version, from its stored JSON: every entity as it was then.

    The stored JSON has no panel OMIM/Orphanet/HPO, flags, ready marks or reviews, so those
    columns stay blank. (PanelApp GE also swaps the two Ensembl columns here; we do not.)
    """
    data = historical.data
    panel_columns = {
        "Level4": data.get("name", ""),
        "Level3": data.get("disease_sub_group", ""),
        "Level2": data.get("disease_group", ""),
        "version": data.get("version", historical.version),
    }
    for key in ("genes", "strs", "regions"):
        items = sorted(
            data.get(key) or [], key=lambda e: (-int(e.get("confidence_level") or 0), e.get("entity_name") or "")
        )
        for item in items:
            gene = item.get("gene_data") or {}
            values = {
                **panel_columns,
                "Entity Name": item.get("entity_name"),
                "Entity type": item.get("entity_type"),
                "Gene Symbol": gene.get("gene_symbol", ""),
                "Sources(; separated)": _join(item.get("evidence")),
                "Model_Of_Inheritance": item.get("mode_of_inheritance"),
                "Phenotypes": _join(item.get("phenotypes")),
                "Publications": _join(item.get("publications")),
                "GEL_Status": item.get("confidence_level"),
                "Mode of pathogenicity": item.get("mode_of_pathogenicity") or "",
                "EnsemblId(GRch37)": ensembl_id_from(gene.get("ensembl_genes"), "GRch37"),
                "EnsemblId(GRch38)": ensembl_id_from(gene.get("ensembl_genes"), "GRch38"),
                "HGNC": gene.get("hgnc_id") or "",
            }
            if key != "genes":
                values.update(
                    _location_columns(
                        item.get("chromosome"), item.get("grch37_coordinates"), item.get("grch38_coordinates")
                    )
                )
            if key == "strs":
                values.update(
                    {
                        "STR Repeated Sequence": item.get("repeated_sequence"),
                        "STR Normal Repeats": item.get("normal_repeats"),
                        "STR Pathogenic Repeats": item.get("pathogenic_repeats"),
                    }
                )
            if key == "regions":
                values.update(
                    {
                        "Region Haploinsufficiency Score": item.get("haploinsufficiency_score") or "",
                        "Region Triplosensitivity Score": item.get("triplosensitivity_score") or "",
                        "Region Required Overlap Percentage": item.get("required_overlap_percentage"),
                        "Region Variant Type": item.get("type_of_variants"),
                        "Region Verbose Name": item.get("verbose_name") or "",
                    }
                )
            yield _row(**values)


def to_tsv(rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    # No cell is a spreadsheet formula (panels.spreadsheet); the importers read them back as they were.
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()
