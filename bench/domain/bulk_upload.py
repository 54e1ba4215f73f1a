"""Figure: seconds to import the panel TSV of 7,649 gene rows over 120 panels (one of 1,000 genes,
BRCA1 on 40 panels; see upload_shape.py) on PostgreSQL, and the SQL statements it costs.

Two uploads are timed, each several times from the same starting state (every run is rolled back):

* ``adds``:    the file into 120 empty panels (7,649 new gene entities);
* ``updates``: then the same genes again with another phenotype and other sources (7,649 edits).

The importer runs in this process, exactly as the Celery task runs it (``import_panel_tsv``). The
machine is shared (2 cores, other work running): the figures come with the load average.

    .venv/bin/python bench/domain/bulk_upload.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "app"), str(REPO / "hack"), str(REPO / "bench" / "app"), str(HERE)]

from support import PLACEHOLDER_ENV, VENV_BIN  # noqa: E402 - importable only after the sys.path insert above


class Rollback(Exception):
    pass


def timed_import(content: bytes, user) -> tuple[float, int, dict]:
    """Seconds and SQL statements of one import, rolled back afterwards."""
    from django.db import connection, transaction

    from panels.imports.panel_tsv import import_panel_tsv

    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    result: dict = {}
    try:
        with transaction.atomic(), connection.execute_wrapper(count):
            started = time.perf_counter()
            result = import_panel_tsv(content, user)
            seconds = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return seconds, statements[0], result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from api_latency import run

    from tests.fixtures.services import start_postgres

    workdir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    server, stop_postgres = start_postgres(workdir / "cluster")
    env = {**PLACEHOLDER_ENV, "DATABASE_URL": server.url, "DJANGO_LOG_LEVEL": "WARNING"}
    try:
        run([str(VENV_BIN / "panelapp-migrate")], env)
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection, transaction
        from upload_shape import ROWS, panel_tsv, prepare

        with transaction.atomic():
            shape = prepare()
        connection.cursor().execute("ANALYZE")
        adds = panel_tsv(shape["plan"], shape["seed"])
        updates = panel_tsv(shape["plan"], shape["seed"] + 1, extra_phenotype="Upload phenotype")
        print(f"upload: {ROWS} gene rows over {len(shape['plan'])} panels, {len(adds) / 1024:.0f} KiB")
        for label, content, setup in (("adds", adds, None), ("updates", updates, adds)):
            times, statements = [], 0
            for _ in range(args.runs):
                load = os.getloadavg()[0]
                if setup is None:
                    seconds, statements, result = timed_import(content, shape["curator"])
                else:
                    # The updates need the entities of the first upload: import it, then time the second.
                    from django.db import transaction as tx

                    from panels.imports.panel_tsv import import_panel_tsv

                    try:
                        with tx.atomic():
                            import_panel_tsv(setup, shape["curator"])
                            seconds, statements, result = timed_import(content, shape["curator"])
                            raise Rollback
                    except Rollback:
                        pass
                times.append(seconds)
                print(
                    f"  {label:8} run: {seconds:7.1f} s, {statements} SQL statements, load average {load:.2f}",
                    flush=True,
                )
            print(
                f"{label:8} median {statistics.median(times):7.1f} s over {args.runs} runs "
                f"({ROWS / statistics.median(times):.0f} rows/s), {statements} SQL statements; "
                f"added {result.get('added')}, updated {result.get('updated')}",
                flush=True,
            )
        connection.close()
    finally:
        stop_postgres()


if __name__ == "__main__":
    main()
