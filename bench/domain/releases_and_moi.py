"""Figures: seconds and SQL statements to deploy a release of 120 panels (half promoted, half only
signed off) and to run the weekly MOI check over their green genes, on PostgreSQL.

The panels are those of the large curator upload (upload_shape.py: 7,649 gene rows over 120
panels, one of 1,000 genes), imported as the Celery task imports them and then set to 1.0 so the
MOI check reads them. The release is deployed as its Celery task deploys it
(``releases.services.deploy``), several times from the same state (each run rolled back); the MOI
check runs its checks and builds the CSV (no email is sent). The machine is shared (2 cores, other
work running): the figures come with the load average.

    .venv/bin/python bench/domain/releases_and_moi.py [--runs 3]
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


class Rollback(Exception):
    pass


def counted(work):
    """(seconds, SQL statements, result) of ``work()``, rolled back afterwards."""
    from django.db import connection, transaction

    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    outcome = {}
    try:
        with transaction.atomic(), connection.execute_wrapper(count):
            started = time.perf_counter()
            outcome["result"] = work()
            outcome["seconds"] = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return outcome["seconds"], statements[0], outcome["result"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with migrated_postgres():
        from django.db import connection, transaction
        from upload_shape import panel_tsv, prepare

        from moi_checks import services as moi
        from panels.imports.panel_tsv import import_panel_tsv
        from panels.models import GenePanelSnapshot
        from releases import services as releases
        from releases.models import ReleasePanel

        with transaction.atomic():
            shape = prepare()
            import_panel_tsv(panel_tsv(shape["plan"], shape["seed"]), shape["curator"])
            GenePanelSnapshot.objects.update(major_version=1, minor_version=0)
        connection.cursor().execute("ANALYZE")
        curator = shape["curator"]
        panel_ids = list(GenePanelSnapshot.objects.order_by("panel_id").values_list("panel_id", flat=True))

        for _ in range(args.runs):
            load = os.getloadavg()[0]
            seconds, statements, report = counted(moi.run_checks)
            csv_bytes = len(report.csv().encode())
            print(
                f"MOI check: {seconds:6.2f} s, {statements} SQL statements, {report.genes} green genes, "
                f"{len(report.problems)} problems ({csv_bytes / 1024:.0f} KiB CSV), load average {load:.2f}",
                flush=True,
            )

        def deploy() -> str:
            release = releases.save_release(curator, name="Bench release", promotion_comment="Release {{ version }}")
            ReleasePanel.objects.bulk_create(
                [ReleasePanel(release=release, panel_id=p, promote=i % 2 == 0) for i, p in enumerate(panel_ids)]
            )
            deployment = releases.start_deployment(release, curator)
            return releases.deploy(deployment.pk)

        times = []
        for _ in range(args.runs):
            load = os.getloadavg()[0]
            seconds, statements, state = counted(deploy)
            assert state == "done", state
            times.append(seconds)
            print(
                f"release of {len(panel_ids)} panels: {seconds:6.2f} s, {statements} SQL statements, "
                f"load average {load:.2f}",
                flush=True,
            )
        print(f"release median {statistics.median(times):.2f} s over {args.runs} runs", flush=True)
        connection.close()


if __name__ == "__main__":
    main()
