"""PanelApp's controlled vocabularies, spelled exactly as real PanelApp stores them.

API consumers match on these strings, so they must never be reworded.
"""

from django.db import models


class PanelStatus(models.TextChoices):
    PROMOTED = "promoted", "Public (promoted)"
    PUBLIC = "public", "Public"
    RETIRED = "retired", "Retired"
    INTERNAL = "internal", "Internal"
    DELETED = "deleted", "Deleted"


VISIBLE_STATUSES = (PanelStatus.PUBLIC, PanelStatus.PROMOTED)


class EntityType(models.TextChoices):
    GENE = "gene", "Gene"
    STR = "str", "STR"
    REGION = "region", "Region"


MOI_CHOICES = [
    ("", "Provide a mode of inheritance"),
    ("MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted",) * 2,
    ("MONOALLELIC, autosomal or pseudoautosomal, maternally imprinted (paternal allele expressed)",) * 2,
    ("MONOALLELIC, autosomal or pseudoautosomal, paternally imprinted (maternal allele expressed)",) * 2,
    ("MONOALLELIC, autosomal or pseudoautosomal, imprinted status unknown",) * 2,
    ("BIALLELIC, autosomal or pseudoautosomal",) * 2,
    ("BOTH monoallelic and biallelic, autosomal or pseudoautosomal",) * 2,
    (
        "BOTH monoallelic and biallelic (but BIALLELIC mutations cause a more SEVERE disease form), "
        "autosomal or pseudoautosomal",
    )
    * 2,
    ("X-LINKED: hemizygous mutation in males, biallelic mutations in females",) * 2,
    (
        "X-LINKED: hemizygous mutation in males, monoallelic mutations in females may cause disease "
        "(may be less severe, later onset than males)",
    )
    * 2,
    ("MITOCHONDRIAL",) * 2,
    ("Unknown",) * 2,
    ("Other", "Other - please specifiy in evaluation comments"),
]
MOI_VALUES = frozenset(value for value, _ in MOI_CHOICES)
MITOCHONDRIAL = "MITOCHONDRIAL"
UNKNOWN_MOI = "Unknown"

# Short codes used by the legacy /WebServices/ API.
MOI_SHORT_CODES = {
    MOI_CHOICES[1][0]: "monoallelic_not_imprinted",
    MOI_CHOICES[2][0]: "monoallelic_maternally_imprinted",
    MOI_CHOICES[3][0]: "monoallelic_paternally_imprinted",
    MOI_CHOICES[4][0]: "monoallelic",
    MOI_CHOICES[5][0]: "biallelic",
    MOI_CHOICES[6][0]: "monoallelic_and_biallelic",
    MOI_CHOICES[7][0]: "monoallelic_and_more_severe_biallelic",
    MOI_CHOICES[8][0]: "xlinked_biallelic",
    MOI_CHOICES[9][0]: "xlinked_monoallelic",
    MOI_CHOICES[10][0]: "mitochondrial",
    MOI_CHOICES[11][0]: "unknown",
}

MOP_CHOICES = [
    ("", "Provide exceptions to loss-of-function"),
    (
        "Loss-of-function variants (as defined in pop up message) DO NOT cause this phenotype - "
        "please provide details in the comments",
    )
    * 2,
    ("Other", "Other - please provide details in the comments"),
]
MOP_VALUES = frozenset(value for value, _ in MOP_CHOICES)

PENETRANCE_CHOICES = [("unknown", "unknown"), ("Complete", "Complete"), ("Incomplete", "Incomplete")]
PENETRANCE_VALUES = frozenset(value for value, _ in PENETRANCE_CHOICES)

CHROMOSOMES = [str(n) for n in range(1, 23)] + ["X", "Y"]
CHROMOSOME_CHOICES = [(c, c) for c in CHROMOSOMES]

DOSAGE_SCORE_CHOICES = [
    ("", "None"),
    ("3", "Sufficient evidence for dosage pathogenicity"),
    ("2", "Some evidence for dosage pathogenicity"),
    ("1", "Little evidence for dosage pathogenicity"),
    ("0", "No evidence for dosage pathogenicity"),
    ("40", "Dosage sensitivity unlikely"),
    ("30", "Gene associated with autosomal recessive phenotype"),
]
DOSAGE_SCORE_VALUES = frozenset(value for value, _ in DOSAGE_SCORE_CHOICES)

VARIANT_TYPE_CHOICES = [
    ("small", "Small variants"),
    ("cnv_loss", "CNV Loss"),
    ("cnv_gain", "CNV Gain"),
    ("cnv_both", "CNV Loss OR Gain"),
]
VARIANT_TYPE_VALUES = frozenset(value for value, _ in VARIANT_TYPE_CHOICES)


class GelStatus(models.IntegerChoices):
    """``saved_gel_status``: the curated list an entity is on (API ``confidence_level``)."""

    NO_LIST = 0, "No list"
    RED = 1, "Red"
    AMBER = 2, "Amber"
    GREEN = 3, "Green"


_COLOURS: dict[int, str] = {GelStatus.AMBER: "amber", GelStatus.RED: "red"}


def gel_status_colour(status: int | None, flagged: bool = False) -> str:
    """CSS colour name for a status; anything above 3 is legacy data and counts as green."""
    if flagged or not status:
        return "grey"
    if status >= GelStatus.GREEN:
        return "green"
    return _COLOURS[status]


def gel_status_label(status: int | None, flagged: bool = False) -> str:
    return {"grey": "No list", "green": "Green", "amber": "Amber", "red": "Red"}[gel_status_colour(status, flagged)]


HIGH_CONFIDENCE_SOURCES = (
    "Radboud University Medical Center, Nijmegen",
    "Illumina TruGenome Clinical Sequencing Services",
    "Emory Genetics Laboratory",
    "UKGTN",
)
OTHER_SOURCES = (
    "Other",
    "Expert list",
    "Expert Review",
    "Literature",
    "Eligibility statement prior genetic testing",
    "Research",
    "NHS GMS",
    "ClinGen",
)
EXPERT_REVIEW_SOURCES = {
    "Expert Review Green": GelStatus.GREEN,
    "Expert Review Amber": GelStatus.AMBER,
    "Expert Review Red": GelStatus.RED,
    "Expert Review Removed": GelStatus.NO_LIST,
}
EXPERT_REVIEW_FOR_STATUS: dict[int, str] = {status: name for name, status in EXPERT_REVIEW_SOURCES.items()}
ALL_SOURCES = HIGH_CONFIDENCE_SOURCES + OTHER_SOURCES + tuple(EXPERT_REVIEW_SOURCES)


class ReviewRating(models.TextChoices):
    GREEN = "GREEN", "Green List (high evidence)"
    RED = "RED", "Red List (low evidence)"
    AMBER = "AMBER", "I don't know"


DEFAULT_PANEL_TYPES = (
    ("rare-disease-test-directory", "Rare Disease Test Directory"),
    ("actionable", "Actionable"),
    ("rare-disease-100k", "Rare Disease 100K"),
    ("superpanel", "Superpanel"),
    ("testing", "testing"),
    ("reference", "Reference"),
    ("clingen-curated-genes", "ClinGen Curated genes"),
    ("ga4gh-collaboration", "GA4GH collaboration"),
    ("external-diagnostic-lab", "External Diagnostic Lab"),
    ("cancer-test-directory", "Cancer Test Directory"),
    ("cancer-germline-100k", "Cancer Germline 100K"),
)
