"""Figure: seconds for ``load_genes`` to load a gene file the size of PanelApp's own
(46,426 fixture rows, 37,361 active, withdrawn symbols and the empty placeholder; gzip), on
PostgreSQL, into an empty gene table and again over a full one (the same file: nothing changes).
The machine is shared: each run prints its wall time, this process's CPU time and the load.

    .venv/bin/python bench/domain/load_genes.py [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "app"), str(REPO / "hack"), str(REPO / "bench" / "app"), str(HERE)]

from database import migrated_postgres  # noqa: E402 - importable only after the sys.path insert above


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from tests.domain import gene_fixture

    with migrated_postgres():
        from django.core.management import call_command
        from django.db import connection

        from panels.models import Gene

        path = gene_fixture.write(Path(tempfile.mkdtemp(prefix="bench-genes-")) / "genes.json.gz")
        print(f"file: {gene_fixture.FULL_SIZE} rows, {path.stat().st_size / 1024 / 1024:.1f} MiB gzipped")
        for label in ("empty table", "full table"):
            times = []
            for run_number in range(args.runs):
                if label == "empty table":
                    Gene.objects.all().delete()
                load = os.getloadavg()[0]
                out = io.StringIO()
                started, cpu = time.perf_counter(), time.process_time()
                call_command("load_genes", str(path), stdout=out)
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                times.append(seconds)
                print(
                    f"  {label} run {run_number + 1}: {seconds:5.1f} s ({cpu:4.1f} s of it this process's CPU), "
                    f"load average {load:.2f}: {out.getvalue().strip()}"
                )
            print(
                f"{label}: median {statistics.median(times):.1f} s over {args.runs} runs, {Gene.objects.count()} genes"
            )
        connection.close()


if __name__ == "__main__":
    main()
