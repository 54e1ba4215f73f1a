"""Figure: seconds to import the panel TSV of 7,649 gene rows over 120 panels (one of 1,000 genes,
BRCA1 on 40 panels; see upload_shape.py) on PostgreSQL, and the SQL statements it costs.

Two uploads are timed, each several times from the same starting state (a copy of a template
database per run), committed as the Celery task commits them:

* ``adds``:    the file into 120 empty panels (7,649 new gene entities);
* ``updates``: then the same genes again with another phenotype and other sources (7,649 edits).

Each is followed by the refresh its commit runs (the entities' JSON and the 120 panels' stored
answers, panels.answers.refresh), timed on its own: the upload is done when it commits; until
the refresh has stored the new answers, readers build them (each the first time).

The importer runs in this process, exactly as the Celery task runs it (``import_panel_tsv``). The
machine is shared (2 cores, other work running): the figures come with the load average.

    .venv/bin/python bench/domain/bulk_upload.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "app"), str(REPO / "hack"), str(REPO / "bench" / "app"), str(HERE)]

from database import migrated_postgres  # noqa: E402 - importable only after the sys.path insert above


def use_database(name: str) -> None:
    """Point Django's connection at another database of the same server."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def copy_database(template: str, name: str) -> None:
    """``name`` as a copy of ``template`` (nobody may be connected to the template meanwhile)."""
    from django.db import connection

    use_database("postgres")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    use_database(name)


def timed_import(content: bytes, user_name: str) -> tuple[float, int, float, dict]:
    """Seconds and SQL statements of one import, committed as the Celery task commits it, then
    the seconds of the refresh the commit runs (its on-commit callbacks: every changed entity's
    JSON and panel's stored answer, panels.answers)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from panels.imports.panel_tsv import import_panel_tsv

    user = get_user_model().objects.get(username=user_name)
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    with transaction.atomic():
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            result = import_panel_tsv(content, user)
            seconds = time.perf_counter() - started
        committed = time.perf_counter()
    return seconds, statements[0], time.perf_counter() - committed, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with migrated_postgres() as (server, _env):
        from django.db import connection, transaction
        from upload_shape import ROWS, panel_tsv, prepare

        with transaction.atomic():
            shape = prepare()
        connection.cursor().execute("ANALYZE")
        adds = panel_tsv(shape["plan"], shape["seed"])
        updates = panel_tsv(shape["plan"], shape["seed"] + 1, extra_phenotype="Upload phenotype")
        curator = shape["curator"].username
        print(f"upload: {ROWS} gene rows over {len(shape['plan'])} panels, {len(adds) / 1024:.0f} KiB")
        # The starting points, copied for each run: empty panels, and the panels after the adds.
        empty, added = server.dbname, "bench_after_adds"
        copy_database(empty, added)
        timed_import(adds, curator)
        connection.cursor().execute("VACUUM ANALYZE")
        for label, content, template in (("adds", adds, empty), ("updates", updates, added)):
            times, refreshes, statements, result = [], [], 0, {}
            for _ in range(args.runs):
                copy_database(template, "bench_run")
                load = os.getloadavg()[0]
                seconds, statements, refresh, result = timed_import(content, curator)
                times.append(seconds)
                refreshes.append(refresh)
                print(
                    f"  {label:8} run: {seconds:7.1f} s, {statements} SQL statements, then the refresh "
                    f"{refresh:5.1f} s, load average {load:.2f}",
                    flush=True,
                )
            print(
                f"{label:8} median {statistics.median(times):7.1f} s over {args.runs} runs "
                f"({ROWS / statistics.median(times):.0f} rows/s), {statements} SQL statements; "
                f"added {result.get('added')}, updated {result.get('updated')}; "
                f"the refresh after its commit {statistics.median(refreshes):.1f} s",
                flush=True,
            )
        use_database(empty)
        connection.close()


if __name__ == "__main__":
    main()
