"""The shape of a large curator upload, as measured against PanelApp GE: a panel TSV of 7,649 gene
rows over 120 panels, one panel of 1,000 genes, BRCA1 on 40 panels.

``prepare()`` writes the genes and the 120 empty panels straight into the tables (bulk inserts, the
services would take minutes); ``panel_tsv()`` writes the upload itself in the download layout.
"""

from __future__ import annotations

import random

from dataset import _gene_record

BIG_PANEL_NAME = "Upload panel with 1000 genes"
ROWS, PANELS, BIG_PANEL, BRCA1_PANELS = 7_649, 120, 1_000, 40
MOIS = [
    "MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted",
    "BIALLELIC, autosomal or pseudoautosomal",
    "X-LINKED: hemizygous mutation in males, biallelic mutations in females",
]
EXPERT_REVIEWS = ["Expert Review Green", "Expert Review Amber"]
OTHER_SOURCES = ["Literature", "NHS GMS", "UKGTN"]


def panel_name(index: int) -> str:
    return BIG_PANEL_NAME if index == 0 else f"Upload panel {index:03d}"


def prepare(genes: int = 20_000, seed: int = 7) -> dict:
    """Genes, a curator and 120 empty public panels at version 0.1; returns the plan of the upload."""
    from django.contrib.auth import get_user_model

    from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
    from panels.models import Gene, GenePanel, GenePanelSnapshot, Level4Title

    rng = random.Random(seed)
    upsert_genes(read_json_file(SAMPLE_GENES_FILE))
    Gene.objects.bulk_create(
        [Gene(**_gene_record(f"BENCH{n:05d}", n)) for n in range(genes - Gene.objects.count())], batch_size=5000
    )
    symbols = sorted(set(Gene.objects.active().values_list("gene_symbol", flat=True)) - {"BRCA1"})
    curator = get_user_model().objects.create_user("upload-curator", "upload-curator@example.org", "bench")
    curator.reviewer.user_type = "GEL"
    curator.reviewer.save()
    titles = Level4Title.objects.bulk_create(
        [
            Level4Title(name=panel_name(i), level2title=f"Group {i % 12}", level3title=f"Sub-group {i % 40}")
            for i in range(PANELS)
        ]
    )
    panels = GenePanel.objects.bulk_create([GenePanel(name=t.name, status="public") for t in titles])
    GenePanelSnapshot.objects.bulk_create(
        [
            GenePanelSnapshot(panel=p, level4title=t, major_version=0, minor_version=1)
            for p, t in zip(panels, titles, strict=True)
        ]
    )
    plan = {panel_name(0): rng.sample(symbols, BIG_PANEL)}
    remaining = ROWS - BIG_PANEL
    for index in range(1, PANELS):
        count = remaining // (PANELS - 1) + (1 if index - 1 < remaining % (PANELS - 1) else 0)
        chosen = rng.sample(symbols, count)
        if index <= BRCA1_PANELS:
            chosen[0] = "BRCA1"
        plan[panel_name(index)] = chosen
    assert sum(len(v) for v in plan.values()) == ROWS
    return {"curator": curator, "plan": plan, "seed": seed}


def panel_tsv(plan: dict[str, list[str]], seed: int, *, extra_phenotype: str = "") -> bytes:
    """The upload: one gene row per (panel, symbol) of ``plan``, in the 36-column layout."""
    from panels.exports import HEADER

    rng = random.Random(seed)
    lines = ["\t".join(HEADER)]
    for panel, symbols in plan.items():
        for symbol in symbols:
            cells = dict.fromkeys(HEADER, "")
            phenotypes = [f"Phenotype {rng.randint(1, 999)}", f"Syndrome {rng.randint(1, 99)}"] + (
                [extra_phenotype] if extra_phenotype else []
            )
            cells.update(
                {
                    "Entity Name": symbol,
                    "Entity type": "gene",
                    "Gene Symbol": symbol,
                    "Sources(; separated)": f"{rng.choice(EXPERT_REVIEWS)};{rng.choice(OTHER_SOURCES)}",
                    "Level4": panel,
                    "Model_Of_Inheritance": rng.choice(MOIS),
                    "Phenotypes": ";".join(phenotypes),
                    "Publications": f"PMID:{rng.randint(10**6, 10**7)}",
                    "Flagged": "False",
                }
            )
            lines.append("\t".join(cells[h] for h in HEADER))
    return ("\n".join(lines) + "\n").encode()
