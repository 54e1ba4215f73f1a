"""The v0 JSON shapes: CamelCase keys, short codes for vocabularies, empty values as null."""

from __future__ import annotations

from typing import TypeVar

from panels.models import GenePanelSnapshot
from panels.models.genes import ensembl_id_from
from panels.models.panels import clean_list, panel_types_in_order
from panels.representation import format_datetime
from panels.vocab import MOI_SHORT_CODES

MOP_SHORT_CODES = {
    "Loss-of-function variants (as defined in pop up message) DO NOT cause this phenotype - please provide details in the comments": "no_loss_of_function",
    "Other": "other",
}
# The sources PanelApp v0 names by short code in its filters (``Evidences=literature``).
EVIDENCE_SHORT_CODES = {
    "Radboud University Medical Center, Nijmegen": "radboud_university_medical_center_nijmegen",
    "Illumina TruGenome Clinical Sequencing Services": "illumina_trugenome_clinical_sequencing_services",
    "Emory Genetics Laboratory": "emory_genetics_laboratory",
    "UKGTN": "ukgtn",
    "Other": "other",
    "Expert list": "export_list",
    "Expert Review": "export_review",
    "Literature": "literature",
    "Eligibility statement prior genetic testing": "eligibility_statement_prior_genetic_testing",
    "Research": "research",
}
LEVEL_CODES = {"HighEvidence": 3, "ModerateEvidence": 2, "LowEvidence": 1, "NoList": 0}


def from_code(codes: dict[str, str], value: str) -> str:
    """The stored value a v0 short code stands for; any other value as it is (as PanelApp v0)."""
    for full, code in codes.items():
        if code == value:
            return full
    return value


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
    """A ``list_panels`` item, with PanelApp v0's keys in its order."""
    stats = snapshot.stats or {}
    return {
        "Name": snapshot.level4title.name,
        "DiseaseSubGroup": snapshot.level4title.level3title,
        "DiseaseGroup": snapshot.level4title.level2title,
        "CurrentVersion": snapshot.version,
        "CurrentCreated": format_datetime(snapshot.created),
        "Number_of_Genes": stats.get("number_of_genes"),
        "Number_of_STRs": stats.get("number_of_strs"),
        "Number_of_Regions": stats.get("number_of_regions"),
        "Panel_Id": snapshot.panel.old_pk or str(snapshot.panel_id),
        "Relevant_disorders": clean_list(snapshot.old_panels),
        "Status": snapshot.panel.status,
        "PanelTypes": [t.slug for t in panel_types_in_order(snapshot.panel)],
    }


def entity_panel(snapshot: GenePanelSnapshot) -> dict:
    """The ``Panel`` of a ``list_entities`` item."""
    return {
        "Name": snapshot.level4title.name,
        "DiseaseSubGroup": snapshot.level4title.level3title,
        "DiseaseGroup": snapshot.level4title.level2title,
        "CurrentVersion": snapshot.version,
        "CurrentCreated": format_datetime(snapshot.created),
        "Panel_Id": snapshot.panel.old_pk or str(snapshot.panel_id),
        "Relevant_disorders": clean_list(snapshot.old_panels),
        "Status": snapshot.panel.status,
    }


def entity_item(item: dict, panel: dict, assembly: str) -> dict:
    """A ``list_entities`` item from an API v1 entity dict: PanelApp v0's keys in its order (the
    common ones, ``Panel``, then those of the entity's type)."""
    gene = item.get("gene_data")
    common = _common(item, assembly)
    data = {
        "GeneSymbol": common["GeneSymbol"],
        "EntityType": item.get("entity_type"),
        "EnsembleGeneIds": common["EnsembleGeneIds"] if gene else None,
        "ModeOfInheritance": common["ModeOfInheritance"],
        "Penetrance": common["Penetrance"],
        "Publications": common["Publications"],
        "Phenotypes": common["Phenotypes"],
        "LevelOfConfidence": common["LevelOfConfidence"],
        "Evidences": common["Evidences"],
        "Panel": panel,
    }
    kind = item.get("entity_type")
    if kind == "gene":
        data["ModeOfPathogenicity"] = mop_code(item.get("mode_of_pathogenicity"))
        return data
    data["Name"] = item.get("entity_name")
    if kind == "region":
        data["VerboseName"] = item.get("verbose_name")
    data["Chromosome"] = item.get("chromosome")
    data["GRCh37Coordinates"] = item.get("grch37_coordinates")
    data["GRCh38Coordinates"] = item.get("grch38_coordinates")
    if kind == "str":
        data["RepeatedSequence"] = item.get("repeated_sequence")
        data["NormalRepeats"] = item.get("normal_repeats")
        data["PathogenicRepeats"] = item.get("pathogenic_repeats")
    else:
        data["HaploinsufficiencyScore"] = item.get("haploinsufficiency_score")
        data["TriplosensitivityScore"] = item.get("triplosensitivity_score")
        data["RequiredOverlapPercentage"] = item.get("required_overlap_percentage")
    return data
