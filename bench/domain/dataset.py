"""A generated PanelApp data set of production size, written straight into the tables.

Default: 40,000 genes, 300 panels, 30,000 gene entities (one panel holds 1,000 genes; BRCA1 is
on 60 panels), two sources per entity, some tags and reviews, one stored earlier version per
panel, and an activity line per entity. Bulk inserts: the services would take hours for this.
"""

from __future__ import annotations

import random

from django.db import transaction

BIG_PANEL_NAME = "Bench panel with 1000 genes"
MOIS = [
    "MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted",
    "BIALLELIC, autosomal or pseudoautosomal",
    "X-LINKED: hemizygous mutation in males, biallelic mutations in females",
    "",
]
SOURCES = ["Expert Review Green", "Expert Review Amber", "Expert Review Red", "Literature", "NHS GMS", "UKGTN"]


def _gene_record(symbol: str, n: int) -> dict:
    chromosome = str(n % 22 + 1)
    start = 1_000_000 + n * 700
    return {
        "gene_symbol": symbol,
        "gene_name": f"{symbol.lower()} generated protein {n}",
        "ensembl_genes": {
            "GRch37": {"82": {"ensembl_id": f"ENSG{n:011d}", "location": f"{chromosome}:{start}-{start + 5000}"}},
            "GRch38": {"90": {"ensembl_id": f"ENSG{n:011d}", "location": f"{chromosome}:{start + 40}-{start + 5040}"}},
        },
        "omim_gene": [str(600000 + n)],
        "alias": [f"{symbol}A", f"{symbol}B"],
        "biotype": "protein_coding",
        "alias_name": [],
        "hgnc_symbol": symbol,
        "hgnc_id": f"HGNC:{90000 + n}",
        "active": True,
    }


@transaction.atomic
def build(
    genes: int = 40_000,
    panels: int = 300,
    entities: int = 30_000,
    big_panel: int = 1_000,
    seed: int = 5,
    brca1_panels: int = 60,
) -> dict:
    from django.contrib.auth import get_user_model

    from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
    from panels.models import (
        Activity,
        Evaluation,
        Evidence,
        Gene,
        GenePanel,
        GenePanelEntrySnapshot,
        GenePanelSnapshot,
        HistoricalSnapshot,
        Level4Title,
        PanelType,
        Tag,
    )
    from panels.representation import panel_detail_dict
    from panels.services.stats import compute_stats
    from panels.services.versioning import SCHEMA_VERSION

    rng = random.Random(seed)
    upsert_genes(read_json_file(SAMPLE_GENES_FILE))
    real = list(Gene.objects.active().values_list("gene_symbol", flat=True))
    Gene.objects.bulk_create(
        [Gene(**_gene_record(f"BENCH{n:05d}", n)) for n in range(genes - Gene.objects.count())], batch_size=5000
    )
    symbols = real + [f"BENCH{n:05d}" for n in range(genes - len(real) - 1)]
    gene_copies = {g.gene_symbol: g.dict_tr() for g in Gene.objects.filter(gene_symbol__in=symbols)}

    User = get_user_model()
    curator = User.objects.create_user("bench-curator", "bench-curator@example.org", "bench")
    curator.reviewer.user_type = "GEL"
    curator.reviewer.save()
    reviewers = [User.objects.create_user(f"bench-reviewer-{i}", f"r{i}@example.org", "bench") for i in range(20)]
    types = list(PanelType.objects.all())
    tags = [Tag.objects.get_or_create(name=name)[0] for name in ("adult-onset", "watchlist_moi", "founder")]

    titles = Level4Title.objects.bulk_create(
        [
            Level4Title(
                name=BIG_PANEL_NAME if i == 0 else f"Bench panel {i:03d}",
                level2title=f"Disease group {i % 12}",
                level3title=f"Sub-group {i % 40}",
                description="Generated for the benchmark.",
                omim=[str(100000 + i)],
                hpo=[f"HP:{i:07d}"],
            )
            for i in range(panels)
        ]
    )
    statuses = ["public"] * 8 + ["promoted", "retired"]
    gene_panels = GenePanel.objects.bulk_create(
        [
            GenePanel(name=t.name, status="internal" if i % 37 == 36 else rng.choice(statuses))
            for i, t in enumerate(titles)
        ]
    )
    GenePanel.objects.filter(pk=gene_panels[0].pk).update(status="public")
    through = GenePanel.types.through
    through.objects.bulk_create(
        [through(genepanel_id=p.pk, paneltype_id=t.pk) for p in gene_panels for t in rng.sample(types, 2)]
    )
    snapshots = GenePanelSnapshot.objects.bulk_create(
        [
            GenePanelSnapshot(
                panel=p,
                level4title=t,
                major_version=rng.randint(0, 4),
                minor_version=rng.randint(1, 150),
                old_panels=[f"R{i + 1}", f"Disorder {i}"],
            )
            for i, (p, t) in enumerate(zip(gene_panels, titles, strict=True))
        ]
    )
    for snapshot in snapshots:
        snapshot.save(update_fields=["relevant_disorders_key"])  # derived on save()

    # Which genes go on which panel: 1,000 on the big one, BRCA1 on 60 (or brca1_panels), the rest spread evenly.
    per_panel = {snapshots[0].pk: rng.sample(symbols, big_panel)}
    remaining = entities - big_panel
    others = snapshots[1:]
    for index, snapshot in enumerate(others):
        count = remaining // len(others) + (1 if index < remaining % len(others) else 0)
        chosen = rng.sample(symbols, count)
        if index < brca1_panels and "BRCA1" not in chosen:
            chosen[0] = "BRCA1"
        per_panel[snapshot.pk] = chosen
    rows = []
    for snapshot_id, chosen in per_panel.items():
        for symbol in chosen:
            rows.append(
                GenePanelEntrySnapshot(
                    panel_id=snapshot_id,
                    gene_core_id=symbol,
                    gene=gene_copies[symbol],
                    moi=rng.choice(MOIS),
                    phenotypes=[f"Phenotype {rng.randint(1, 999)}", f"Syndrome {rng.randint(1, 99)}"],
                    publications=[f"PMID:{rng.randint(10**6, 10**7)}"],
                    mode_of_pathogenicity="",
                    saved_gel_status=rng.choice([0, 1, 2, 3, 3, 3]),
                    flagged=False,
                    ready=rng.random() < 0.3,
                )
            )
    created = GenePanelEntrySnapshot.objects.bulk_create(rows, batch_size=5000)

    evidence = Evidence.objects.bulk_create(
        [Evidence(name=name, rating=5, reviewer=curator.reviewer) for _ in created for name in rng.sample(SOURCES, 2)],
        batch_size=5000,
    )
    links = GenePanelEntrySnapshot.evidence.through
    links.objects.bulk_create(
        [
            links(genepanelentrysnapshot_id=e.pk, evidence_id=evidence[2 * i + k].pk)
            for i, e in enumerate(created)
            for k in (0, 1)
        ],
        batch_size=10000,
    )
    tag_links = GenePanelEntrySnapshot.tags.through
    tag_links.objects.bulk_create(
        [tag_links(genepanelentrysnapshot_id=e.pk, tag_id=rng.choice(tags).pk) for e in created if rng.random() < 0.1],
        batch_size=10000,
    )
    reviewed = [e for e in created if rng.random() < 0.1]
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(user=rng.choice(reviewers), rating=rng.choice(["GREEN", "AMBER", "RED"]), version="1.0")
            for _ in reviewed
        ],
        batch_size=5000,
    )
    review_links = GenePanelEntrySnapshot.evaluation.through
    review_links.objects.bulk_create(
        [
            review_links(genepanelentrysnapshot_id=e.pk, evaluation_id=ev.pk)
            for e, ev in zip(reviewed, evaluations, strict=True)
        ],
        batch_size=10000,
    )

    for snapshot in GenePanelSnapshot.objects.select_related("panel", "level4title"):
        snapshot.stats = compute_stats([snapshot.pk])
        snapshot.save(update_fields=["stats"])
        HistoricalSnapshot.objects.create(
            panel_id=snapshot.panel_id,
            major_version=snapshot.major_version,
            minor_version=snapshot.minor_version - 1,
            reason="generated",
            schema_version=SCHEMA_VERSION,
            data=panel_detail_dict(snapshot),
        )
    panel_of = {s.pk: s.panel_id for s in snapshots}
    Activity.objects.bulk_create(
        [
            Activity(
                panel_id=panel_of[e.panel_id],
                user=curator,
                text=f"gene: {e.gene_core_id} was added",
                item_type="entity",
                entity_type="gene",
                entity_name=e.gene_core_id,
                extra_data={
                    "user_name": "bench-curator",
                    "panel_id": panel_of[e.panel_id],
                    "panel_version": "1.0",
                    "item_type": "entity",
                },
            )
            for e in created
        ],
        batch_size=5000,
    )
    return {
        "genes": Gene.objects.count(),
        "panels": GenePanel.objects.count(),
        "gene_entities": GenePanelEntrySnapshot.objects.count(),
        "big_panel_id": gene_panels[0].pk,
        "brca1_panels": GenePanelEntrySnapshot.objects.filter(gene_core_id="BRCA1").count(),
    }
