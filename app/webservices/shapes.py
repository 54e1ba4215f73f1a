"""The v0 JSON shapes: CamelCase keys, short codes for vocabularies, empty values as null."""

from __future__ import annotations

from typing import TypeVar

from panels.models import GenePanelSnapshot
from panels.models.genes import ensembl_id_from
from panels.models.panels import clean_list
from panels.representation import format_datetime
from panels.vocab import MOI_SHORT_CODES

MOP_SHORT_CODES = {
    "Loss-of-function variants (as defined in pop up message) DO NOT cause this phenotype - please provide details in the comments": "no_loss_of_function",
    "Other": "other",
}
LEVELS = {3: "HighEvidence", 2: "ModerateEvidence", 1: "LowEvidence", 0: "NoList"}
ASSEMBLIES = {"grch37": "GRch37", "grch38": "GRch38"}


def level_of_confidence(status: int | str | None) -> str:
    status = int(status or 0)
    return LEVELS[min(status, 3)]


_Value = TypeVar("_Value")


def null_if_empty(value: _Value) -> _Value | None:
    return None if not value or value == [""] else value


def moi_code(moi: str | None) -> str | None:
    return null_if_empty(MOI_SHORT_CODES.get(moi or "", moi))


def mop_code(mop: str | None) -> str | None:
    return null_if_empty(MOP_SHORT_CODES.get(mop or "", mop))


def ensembl_ids(gene_data: dict | None, assembly: str) -> list[str]:
    ensembl_id = ensembl_id_from((gene_data or {}).get("ensembl_genes"), assembly)
    return [ensembl_id] if ensembl_id else []


def _common(item: dict, assembly: str) -> dict:
    """From an API v1 entity dict (live or stored) to the v0 keys every entity has."""
    gene = item.get("gene_data") or {}
    return {
        "GeneSymbol": gene.get("gene_symbol"),
        "EnsembleGeneIds": ensembl_ids(gene, assembly),
        "ModeOfInheritance": moi_code(item.get("mode_of_inheritance")),
        "Penetrance": null_if_empty(item.get("penetrance")),
        "Publications": null_if_empty(clean_list(item.get("publications"))),
        "Phenotypes": null_if_empty(clean_list(item.get("phenotypes"))),
        "LevelOfConfidence": level_of_confidence(item.get("confidence_level")),
        "Evidences": list(item.get("evidence") or []),
    }


def gene_item(item: dict, assembly: str) -> dict:
    data = _common(item, assembly)
    data["ModeOfPathogenicity"] = mop_code(item.get("mode_of_pathogenicity"))
    order = (
        "GeneSymbol",
        "EnsembleGeneIds",
        "ModeOfInheritance",
        "Penetrance",
        "Publications",
        "Phenotypes",
        "ModeOfPathogenicity",
        "LevelOfConfidence",
        "Evidences",
    )
    return {key: data[key] for key in order}


def str_item(item: dict, assembly: str) -> dict:
    return {
        "Name": item.get("entity_name"),
        "Chromosome": item.get("chromosome"),
        "GRCh37Coordinates": item.get("grch37_coordinates"),
        "GRCh38Coordinates": item.get("grch38_coordinates"),
        "RepeatedSequence": item.get("repeated_sequence"),
        "NormalRepeats": item.get("normal_repeats"),
        "PathogenicRepeats": item.get("pathogenic_repeats"),
        **_common(item, assembly),
    }


def region_item(item: dict, assembly: str) -> dict:
    return {
        "Name": item.get("entity_name"),
        "VerboseName": item.get("verbose_name"),
        "Chromosome": item.get("chromosome"),
        "GRCh37Coordinates": item.get("grch37_coordinates"),
        "GRCh38Coordinates": item.get("grch38_coordinates"),
        "HaploinsufficiencyScore": null_if_empty(item.get("haploinsufficiency_score")),
        "TriplosensitivityScore": null_if_empty(item.get("triplosensitivity_score")),
        "RequiredOverlapPercentage": item.get("required_overlap_percentage"),
        "TypeOfVariants": item.get("type_of_variants"),
        "ModeOfPathogenicity": mop_code(item.get("mode_of_pathogenicity")),
        **_common(item, assembly),
    }


def panel_list_item(snapshot: GenePanelSnapshot) -> dict:
    return {
        "Name": snapshot.level4title.name,
        "DiseaseSubGroup": snapshot.level4title.level3title,
        "DiseaseGroup": snapshot.level4title.level2title,
        "CurrentVersion": snapshot.version,
        "CurrentCreated": format_datetime(snapshot.created),
        "Number_of_Genes": (snapshot.stats or {}).get("number_of_genes"),
        "Panel_Id": snapshot.panel.old_pk or str(snapshot.panel_id),
        "Relevant_disorders": clean_list(snapshot.old_panels),
        "Status": snapshot.panel.status,
    }
