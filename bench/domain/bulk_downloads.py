"""Figures: seconds, SQL statements, size and peak Python memory of the curators' whole-database
downloads (all genes, STRs, regions, panels) on PostgreSQL.

The data set: 46,000 genes in the gene table, 300 panels holding 46,000 gene entities (dataset.py,
two sources each, some tags and reviews), plus 10,000 STRs and 10,000 regions with a source each.
Each download runs in this process through Django's test client as a curator, its stream read to
the end; it is run twice, once timed and once under tracemalloc for the peak memory (tracemalloc
slows Python down, so it does not time). The machine is shared (2 cores, other work running): the
figures come with the load average.

    .venv/bin/python bench/domain/bulk_downloads.py [--runs 3] [--gene-entities 46000] [--located 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "app"), str(REPO / "hack"), str(REPO / "bench" / "app"), str(HERE)]

from support import PLACEHOLDER_ENV, VENV_BIN  # noqa: E402 - importable only after the sys.path insert above

URLS = ("/panels/download_genes/", "/panels/download_strs/", "/panels/download_regions/", "/panels/download_panel/")


def add_located(count: int) -> None:
    """``count`` STRs and ``count`` regions spread over the panels, each with one source."""
    from django.db import transaction

    from panels.models import STR, Evidence, GenePanelSnapshot, Region

    snapshots = list(GenePanelSnapshot.objects.values_list("pk", flat=True))
    with transaction.atomic():
        for model, extra in (
            (STR, {"repeated_sequence": "CAG", "normal_repeats": 30, "pathogenic_repeats": 40}),
            (Region, {"type_of_variants": "cnv_loss", "verbose_name": "generated region"}),
        ):
            entities = model.objects.bulk_create(
                [
                    model(
                        panel_id=snapshots[n % len(snapshots)],
                        name=f"{model.__name__}_{n:05d}",
                        chromosome=str(n % 22 + 1),
                        position_37_start=1000 + n,
                        position_37_end=2000 + n,
                        position_38_start=1100 + n,
                        position_38_end=2100 + n,
                        moi="Unknown",
                        phenotypes=[f"Phenotype {n}"],
                        saved_gel_status=n % 4,
                        **extra,
                    )
                    for n in range(count)
                ],
                batch_size=5000,
            )
            evidence = Evidence.objects.bulk_create([Evidence(name="Literature") for _ in entities], batch_size=5000)
            links = model.evidence.through
            column = f"{model._meta.model_name}_id"
            links.objects.bulk_create(
                [links(**{column: e.pk}, evidence_id=ev.pk) for e, ev in zip(entities, evidence, strict=True)],
                batch_size=10000,
            )


def download(client, url: str) -> tuple[float, int, int, int]:
    """Seconds, SQL statements, bytes and rows of one download read to its end."""
    from django.db import connection

    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    size = lines = 0
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    return seconds, statements[0], size, lines - 1


def peak_memory(client, url: str) -> int:
    tracemalloc.start()
    try:
        response = client.get(url)
        for _ in response.streaming_content:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gene-entities", type=int, default=46_000)
    parser.add_argument("--located", type=int, default=10_000)
    args = parser.parse_args()

    from api_latency import run

    from tests.fixtures.services import start_postgres

    workdir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    server, stop_postgres = start_postgres(workdir / "cluster")
    env = {**PLACEHOLDER_ENV, "DATABASE_URL": server.url, "DJANGO_LOG_LEVEL": "WARNING", "ALLOWED_HOSTS": "testserver"}
    try:
        run([str(VENV_BIN / "panelapp-migrate")], env)
        os.environ.update(env)
        import django

        django.setup()
        from dataset import build
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()
        started = time.perf_counter()
        summary = build(genes=46_000, entities=args.gene_entities)
        add_located(args.located)
        connection.cursor().execute("ANALYZE")
        print(
            f"data: {summary['genes']} genes, {summary['panels']} panels, {summary['gene_entities']} gene entities, "
            f"{args.located} STRs, {args.located} regions (built in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench-curator"))
        for url in URLS:
            results = []
            for _ in range(args.runs):
                load = os.getloadavg()[0]
                results.append((*download(client, url), load))
            seconds = statistics.median(r[0] for r in results)
            _, statements, size, rows, _ = results[-1]
            peak = peak_memory(client, url)
            loads = ", ".join(f"{r[4]:.1f}" for r in results)
            print(
                f"{url:28} {rows:6} rows, {size / 1024 / 1024:6.1f} MiB: median {seconds:5.2f} s "
                f"(runs {', '.join(f'{r[0]:.2f}' for r in results)}), {statements} SQL statements, "
                f"peak Python memory {peak / 1024 / 1024:.1f} MiB; load average {loads}",
                flush=True,
            )
        connection.close()
    finally:
        stop_postgres()


if __name__ == "__main__":
    main()
