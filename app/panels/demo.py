"""A realistic demonstration data set, built through the same services curators use.

Real gene symbols from the shipped sample gene table; panels of genes, STRs and regions; reviews;
a reviewer's suggestion awaiting approval; promotions, a signed-off version, a super panel, and
an internal and a retired panel. Building it through the services gives every panel a genuine
version history (each step is a stored version readable from the API).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from .imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
from .models import GenePanel, GenePanelSnapshot
from .models.entities import Entity
from .services.entities import EntityFields, add_entity, get_entity, set_rating, set_ready, set_tags
from .services.panels import PanelFields, create_panel, ensure_default_panel_types, promote, update_panel
from .services.reviews import ReviewFields, submit_review

CURATOR = ("curator", "curator-demo")
REVIEWER = ("reviewer", "reviewer-demo")
MARKER_PANEL = "Familial breast and ovarian cancer"

AD = "MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted"
AR = "BIALLELIC, autosomal or pseudoautosomal"
XL = "X-LINKED: hemizygous mutation in males, monoallelic mutations in females may cause disease (may be less severe, later onset than males)"
XLR = "X-LINKED: hemizygous mutation in males, biallelic mutations in females"
GREEN, AMBER, RED = "Expert Review Green", "Expert Review Amber", "Expert Review Red"


@dataclass
class Gene:
    symbol: str
    rating: str = GREEN
    moi: str = AD
    phenotypes: list[str] = field(default_factory=list)
    publications: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class Panel:
    name: str
    level2: str
    level3: str
    disorders: list[str]
    types: list[str]
    genes: list[Gene]
    description: str = ""
    status: str = "public"


PANELS = [
    Panel(
        MARKER_PANEL,
        "Tumour syndromes",
        "Breast and endocrine",
        ["R208", "Inherited breast and ovarian cancer"],
        ["rare-disease-100k", "cancer-germline-100k"],
        [
            Gene("BRCA1", phenotypes=["Breast-ovarian cancer, familial, 1, 604370"], publications=["PMID:7545954"]),
            Gene("BRCA2", phenotypes=["Breast-ovarian cancer, familial, 2, 612555"], publications=["PMID:8524414"]),
            Gene("PALB2", phenotypes=["Breast cancer, susceptibility to, 114480"], publications=["PMID:25099575"]),
            Gene("RAD51C", phenotypes=["Breast-ovarian cancer, familial, susceptibility to, 3"]),
            Gene("RAD51D", phenotypes=["Breast-ovarian cancer, familial, susceptibility to, 4"]),
            Gene("ATM", AMBER, tags=["adult-onset"]),
            Gene("CHEK2", AMBER, tags=["adult-onset"]),
            Gene("TP53", phenotypes=["Li-Fraumeni syndrome, 151623"]),
            Gene("PTEN", phenotypes=["Cowden syndrome 1, 158350"]),
            Gene("CDH1", AMBER, phenotypes=["Hereditary diffuse gastric cancer, 137215"]),
            Gene("STK11", RED, phenotypes=["Peutz-Jeghers syndrome, 175200"]),
        ],
        "Germline testing for inherited breast and ovarian cancer.",
    ),
    Panel(
        "Hereditary colorectal cancer",
        "Tumour syndromes",
        "Colorectal",
        ["R210", "Lynch syndrome"],
        ["rare-disease-100k", "cancer-germline-100k"],
        [
            Gene("MLH1", phenotypes=["Lynch syndrome 2, 609310"]),
            Gene("MSH2", phenotypes=["Lynch syndrome 1, 120435"]),
            Gene("MSH6", phenotypes=["Lynch syndrome 5, 614350"]),
            Gene("PMS2", phenotypes=["Lynch syndrome 4, 614337"]),
            Gene("APC", phenotypes=["Adenomatous polyposis coli, 175100"]),
            Gene("STK11"),
            Gene("PTEN", AMBER),
        ],
    ),
    Panel(
        "Genetic epilepsy syndromes",
        "Neurology and neurodevelopmental disorders",
        "Epilepsy",
        ["R59", "Early onset or syndromic epilepsy"],
        ["rare-disease-100k", "rare-disease-test-directory"],
        [
            Gene("SCN1A", phenotypes=["Dravet syndrome, 607208"], publications=["PMID:11359211"]),
            Gene("SCN2A", phenotypes=["Developmental and epileptic encephalopathy 11, 613721"]),
            Gene("SCN8A", phenotypes=["Developmental and epileptic encephalopathy 13, 614558"]),
            Gene("KCNQ2", phenotypes=["Seizures, benign neonatal, 1, 121200"]),
            Gene("STXBP1"),
            Gene("CDKL5", moi=XL),
            Gene("PCDH19", moi=XL),
            Gene("SLC2A1", AMBER),
            Gene("GRIN2A", AMBER),
            Gene("ARX", moi=XLR),
            Gene("FOXG1"),
            Gene("MECP2", AMBER, moi=XL),
        ],
    ),
    Panel(
        "Hypertrophic cardiomyopathy",
        "Cardiovascular disorders",
        "Cardiomyopathies",
        ["R135"],
        ["rare-disease-100k"],
        [Gene("MYH7"), Gene("MYBPC3"), Gene("TNNT2"), Gene("LMNA", AMBER), Gene("TTN", RED, tags=["watchlist_moi"])],
    ),
    Panel(
        "Long QT syndrome",
        "Cardiovascular disorders",
        "Arrhythmias",
        ["R138"],
        ["rare-disease-100k", "actionable"],
        [Gene("KCNQ1"), Gene("KCNH2"), Gene("SCN5A")],
    ),
    Panel(
        "Repeat expansion disorders",
        "Neurology and neurodevelopmental disorders",
        "Neurodegenerative disorders",
        ["R54", "Hereditary ataxia"],
        ["rare-disease-100k"],
        [Gene("FXN", moi=AR), Gene("ATXN1"), Gene("ATXN3")],
    ),
    Panel(
        "Intellectual disability",
        "Neurology and neurodevelopmental disorders",
        "Neurodevelopmental disorders",
        ["R29", "Intellectual disability"],
        ["rare-disease-100k"],
        [
            Gene(
                "UBE3A",
                moi="MONOALLELIC, autosomal or pseudoautosomal, maternally imprinted (paternal allele expressed)",
            ),
            Gene("SHANK3"),
            Gene("MECP2", moi=XL),
            Gene("ARX", moi=XLR),
            Gene("FMR1", moi=XL),
        ],
    ),
    Panel(
        "Cystic fibrosis",
        "Respiratory disorders",
        "Cystic fibrosis",
        ["R184"],
        ["rare-disease-test-directory"],
        [Gene("CFTR", moi=AR)],
        "Curated but not yet published.",
        status="internal",
    ),
    Panel(
        "Familial hypercholesterolaemia (old version)",
        "Metabolic disorders",
        "Lipids",
        [],
        ["rare-disease-100k"],
        [Gene("LDLR"), Gene("APOB"), Gene("PCSK9", AMBER)],
        status="retired",
    ),
]

STRS = [
    # (panel, name, gene, chromosome, GRCh37, GRCh38, repeat, normal, pathogenic)
    ("Repeat expansion disorders", "HTT_CAG", "HTT", "4", (3076604, 3076660), (3074877, 3074933), "CAG", 26, 40),
    (
        "Repeat expansion disorders",
        "ATXN1_CAG",
        "ATXN1",
        "6",
        (16327867, 16327954),
        (16327636, 16327723),
        "CAG",
        35,
        39,
    ),
    (
        "Repeat expansion disorders",
        "ATXN3_CAG",
        "ATXN3",
        "14",
        (92537355, 92537396),
        (92071011, 92071052),
        "CAG",
        44,
        60,
    ),
    (
        "Repeat expansion disorders",
        "C9orf72_GGGGCC",
        "C9orf72",
        "9",
        (27573528, 27573546),
        (27573528, 27573546),
        "GGGGCC",
        20,
        30,
    ),
    ("Repeat expansion disorders", "DMPK_CTG", "DMPK", "19", (46273463, 46273522), (45770205, 45770264), "CTG", 34, 50),
    ("Repeat expansion disorders", "FXN_GAA", "FXN", "9", (71652203, 71652220), (69037287, 69037304), "GAA", 33, 66),
    ("Repeat expansion disorders", "AR_CAG", "AR", "X", (66765159, 66765227), (67545317, 67545385), "CAG", 34, 38),
    (
        "Intellectual disability",
        "FMR1_CGG",
        "FMR1",
        "X",
        (146993569, 146993628),
        (147912051, 147912110),
        "CGG",
        54,
        200,
    ),
]

REGIONS = [
    # (panel, name, verbose name, chromosome, GRCh38, haploinsufficiency, triplosensitivity, overlap, type)
    (
        "Intellectual disability",
        "ISCA-37404-Loss",
        "16p11.2 recurrent region (BP4-BP5) Loss",
        "16",
        (29638676, 30188531),
        "3",
        "",
        60,
        "cnv_loss",
    ),
    (
        "Intellectual disability",
        "ISCA-37446-Loss",
        "22q11.2 recurrent (DGS/VCFS) region (proximal, A-D) Loss",
        "22",
        (18924718, 21111383),
        "3",
        "",
        60,
        "cnv_loss",
    ),
    (
        "Intellectual disability",
        "ISCA-37390-Gain",
        "7q11.23 recurrent (Williams-Beuren) region Gain",
        "7",
        (73330452, 74799029),
        "",
        "3",
        60,
        "cnv_gain",
    ),
]


def ensure_users() -> tuple:
    User = get_user_model()
    curator, _ = User.objects.get_or_create(
        username=CURATOR[0],
        defaults={"email": "curator@panelapp.local", "first_name": "Demo", "last_name": "Curator"},
    )
    curator.set_password(CURATOR[1])
    curator.is_staff = curator.is_superuser = True
    curator.save()
    curator.reviewer.user_type, curator.reviewer.affiliation = "GEL", "Genomics England"
    curator.reviewer.save()
    reviewer, _ = User.objects.get_or_create(
        username=REVIEWER[0],
        defaults={"email": "reviewer@panelapp.local", "first_name": "Demo", "last_name": "Reviewer"},
    )
    reviewer.set_password(REVIEWER[1])
    reviewer.save()
    reviewer.reviewer.user_type, reviewer.reviewer.affiliation = "REVIEWER", "NHS Genomic Medicine Centre"
    reviewer.reviewer.role = "Clinical Scientist"
    reviewer.reviewer.save()
    return curator, reviewer


def _build_panel(spec: Panel, curator):
    snapshot = create_panel(
        curator,
        PanelFields(
            name=spec.name,
            level2=spec.level2,
            level3=spec.level3,
            description=spec.description,
            relevant_disorders=spec.disorders,
            type_slugs=spec.types,
            status="internal",
        ),
    )
    for gene in spec.genes:
        entity = add_entity(
            snapshot,
            curator,
            "gene",
            EntityFields(
                gene_symbol=gene.symbol,
                sources=[gene.rating, "Literature"],
                moi=gene.moi,
                phenotypes=gene.phenotypes,
                publications=gene.publications,
            ),
        )
        if gene.tags:
            set_tags(snapshot, entity, curator, gene.tags)
    if spec.status != "internal":
        fields = PanelFields.from_snapshot(snapshot)
        fields.status = spec.status
        update_panel(snapshot, curator, fields)
    return snapshot


@transaction.atomic
def _gene(snapshot: GenePanelSnapshot, symbol: str) -> Entity:
    """A gene the demo has put on the panel."""
    entity = get_entity(snapshot, "gene", symbol)
    if entity is None:
        raise LookupError(f"{symbol} is not on {snapshot}")
    return entity


def load_demo_data() -> dict:
    """Create the demo data set unless it exists. Returns what it did."""
    ensure_default_panel_types()
    upsert_genes(read_json_file(SAMPLE_GENES_FILE))
    curator, reviewer = ensure_users()
    if GenePanel.objects.filter(name=MARKER_PANEL).exists():
        return {"created": False, "panels": GenePanel.objects.count()}

    snapshots = {spec.name: _build_panel(spec, curator) for spec in PANELS}
    for panel, name, gene, chromosome, p37, p38, repeat, normal, pathogenic in STRS:
        add_entity(
            snapshots[panel],
            curator,
            "str",
            EntityFields(
                name=name,
                gene_symbol=gene,
                chromosome=chromosome,
                position_37=p37,
                position_38=p38,
                repeated_sequence=repeat,
                normal_repeats=normal,
                pathogenic_repeats=pathogenic,
                moi=AR if gene == "FXN" else (XL if chromosome == "X" else AD),
                sources=[GREEN],
            ),
        )
    for panel, name, verbose, chromosome, p38, haplo, triplo, overlap, kind in REGIONS:
        add_entity(
            snapshots[panel],
            curator,
            "region",
            EntityFields(
                name=name,
                verbose_name=verbose,
                chromosome=chromosome,
                position_38=p38,
                haploinsufficiency_score=haplo,
                triplosensitivity_score=triplo,
                required_overlap_percentage=overlap,
                type_of_variants=kind,
                moi=AD,
                sources=[GREEN],
            ),
        )

    breast = snapshots[MARKER_PANEL]
    reviews = [
        (
            breast,
            "BRCA1",
            ReviewFields(
                rating="GREEN",
                moi=AD,
                phenotypes=["Breast cancer"],
                comment="Well established; in every diagnostic panel.",
                current_diagnostic=True,
            ),
        ),
        (breast, "ATM", ReviewFields(rating="AMBER", comment="Moderate penetrance; consider for research only.")),
        (breast, "CHEK2", ReviewFields(rating="AMBER", comment="c.1100delC is the main founder variant.")),
        (
            snapshots["Genetic epilepsy syndromes"],
            "SCN1A",
            ReviewFields(rating="GREEN", comment="Dravet syndrome: definitive.", current_diagnostic=True),
        ),
        (
            snapshots["Hypertrophic cardiomyopathy"],
            "TTN",
            ReviewFields(rating="RED", comment="No convincing evidence for HCM."),
        ),
    ]
    for snapshot, symbol, fields in reviews:
        submit_review(snapshot, _gene(snapshot, symbol), reviewer, fields)
    set_ready(breast, _gene(breast, "BRCA1"), curator, True)

    promote(breast, curator, "First release of the panel for the GMS.")
    signed = PanelFields.from_snapshot(breast)
    signed.signed_off_version, signed.signed_off_date = breast.version, dt.date(2024, 4, 1)
    update_panel(breast, curator, signed)
    set_rating(breast, _gene(breast, "ATM"), curator, 3, "Upgraded after review of case-control data.")
    for name in ("Genetic epilepsy syndromes", "Hypertrophic cardiomyopathy", "Long QT syndrome"):
        promote(snapshots[name], curator, "Reviewed by the expert panel.")
    epilepsy = snapshots["Genetic epilepsy syndromes"]
    # A reviewer's suggestion, grey until a curator approves it.
    add_entity(
        epilepsy,
        reviewer,
        "gene",
        EntityFields(gene_symbol="TSC1", sources=["Literature"], moi=AD, comment="Epilepsy is a major feature of TSC."),
    )

    cancer = create_panel(
        curator,
        PanelFields(
            name="Cancer susceptibility",
            level2="Tumour syndromes",
            level3="Super panel",
            type_slugs=["superpanel"],
            status="public",
            child_panel_ids=[breast.panel_id, snapshots["Hereditary colorectal cancer"].panel_id],
        ),
    )
    return {"created": True, "panels": len(snapshots) + 1, "super_panel": cancer.panel_id}
