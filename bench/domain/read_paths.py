"""Figures: p50/p99 latency and requests per second of the reads people wait on, uncached and
cached, at 1, 4 and 8 clients, with the SQL statements each request costs, on PostgreSQL.

The data set has the shape of the large upload (see upload_shape.py): 120 panels, one of 1,000
genes, BRCA1 on 40 panels, 7,649 gene entities (dataset.py, with sources, tags and reviews).

* ``uncached``: gunicorn runs uncached_settings (docker-aws with Django's dummy cache), and no
  stored answer exists, so every request builds its answer from the database. The entities' own
  JSON is kept, as every write through the services leaves it (panels.detail_sql.fill); the
  1,000-gene panel is also measured with none of it kept (``no kept entity JSON``: right after a
  change made outside the services, which forgets it).
* ``cached``: docker-aws as shipped (answers kept per panel revision, see app/panels/cache.py);
  then the first reads of the 1,000-gene panel right after each of 10 curator edits made through
  the services (which store the new answer, app/panels/answers.py).

The load generator shares the 2 cores with gunicorn and PostgreSQL, and other work runs on the
machine: the figures come with the load average.

    .venv/bin/python bench/domain/read_paths.py [--seconds 10] [--clients 1,4,8] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "app"), str(REPO / "hack"), str(REPO / "bench" / "app"), str(HERE)]

from api_latency import measure, start_web  # noqa: E402 - importable only after the sys.path insert above
from database import migrated_postgres  # noqa: E402 - importable only after the sys.path insert above
from support import stop  # noqa: E402 - importable only after the sys.path insert above


def statements_per_request(paths: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """``(uncached, cached)`` SQL statements of one request to each path, in this process."""
    from django.db import connection
    from django.test import Client, override_settings

    counts: dict[str, list[int]] = {}

    def count_once(path: str) -> int:
        statements = [0]

        def counter(execute, sql, params, many, context):
            statements[0] += 1
            return execute(sql, params, many, context)

        client = Client(HTTP_HOST="localhost", HTTP_ACCEPT="application/json" if "/api/" in path else "text/html")
        with connection.execute_wrapper(counter):
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return statements[0]

    for label, path in paths:
        counts[label] = [count_once(path)]
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}}
    ):
        for label, path in paths:
            count_once(path)  # fill the cache
            counts[label].append(count_once(path))
    return {label: (a, b) for label, (a, b) in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--edits", type=int, default=10, help="curator edits after which first reads are timed")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]

    # The benchmark is one client address hammering the API: lift the per-address rate limit.
    with migrated_postgres({"API_THROTTLE_ANON_RATE": "1000000/second"}, settings_module="uncached_settings") as (
        _server,
        env,
    ):
        from dataset import build
        from django.db import connection, connections

        summary = build(genes=20_000, panels=120, entities=7_649, big_panel=1_000, brca1_panels=40)
        connection.cursor().execute("ANALYZE")
        big = summary["big_panel_id"]
        kept = keep_entity_json()
        targets = [
            ("panel list", "/api/v1/panels/"),
            ("panel of 1,000 genes", f"/api/v1/panels/{big}/"),
            ("panel page (1,000 genes)", f"/panels/{big}/"),
            ("genes/BRCA1", "/api/v1/genes/BRCA1/"),
        ]
        print(
            f"data set: {summary['genes']} genes, {summary['panels']} panels, {summary['gene_entities']} gene entities "
            f"(BRCA1 on {summary['brca1_panels']} panels); the JSON of {kept} entities kept"
        )
        statements = statements_per_request(targets)
        connections.close_all()
        print(f"{'SQL statements per request':32} {'uncached':>9} {'cached':>7}")
        for label, _ in targets:
            print(f"{label:32} {statements[label][0]:9d} {statements[label][1]:7d}")
        bench_path = f"{REPO / 'app'}{os.pathsep}{HERE}"
        for mode, settings in (("uncached", "uncached_settings"), ("cached", "panelapp.settings.docker-aws")):
            web, port = start_web({**env, "DJANGO_SETTINGS_MODULE": settings, "PYTHONPATH": bench_path}, args.workers)
            try:
                print(f"\n{mode}: gunicorn {args.workers} workers, {args.seconds:.0f} s per figure")
                print(f"{'endpoint':28} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'load':>6}")
                if mode == "uncached":
                    forget_entity_json(big)
                    for count in clients:
                        load = os.getloadavg()[0]
                        figures = measure(port, f"/api/v1/panels/{big}/", args.seconds, count)
                        print(
                            f"{'  no kept entity JSON':28} {count:7d} {figures['rps']:8.1f} {figures['p50']:8.1f} "
                            f"{figures['p99']:8.1f} {load:6.2f}",
                            flush=True,
                        )
                    print(f"  (the JSON of {keep_entity_json()} entities kept again)")
                for label, path in targets:
                    for count in clients:
                        load = os.getloadavg()[0]
                        figures = measure(port, path, args.seconds, count)
                        print(
                            f"{label:28} {count:7d} {figures['rps']:8.1f} {figures['p50']:8.1f} {figures['p99']:8.1f} {load:6.2f}",
                            flush=True,
                        )
                if mode == "cached" and args.edits:
                    after_edits(port, big, args.edits)
            finally:
                stop(web)


def keep_entity_json() -> int:
    """What the writers' refresh leaves after a change: every entity's JSON kept."""
    from django.db import connections

    from panels import detail_sql
    from panels.models import GenePanelSnapshot

    stored = detail_sql.fill(GenePanelSnapshot.objects.values_list("pk", flat=True))
    connections.close_all()
    return stored


def forget_entity_json(panel_id: int) -> None:
    """A change made outside the services to every entity of the panel (the triggers forget their JSON)."""
    from django.db import connection, connections
    from django.db.models import F

    from panels.models import GenePanelEntrySnapshot

    GenePanelEntrySnapshot.objects.filter(panel__panel_id=panel_id).update(moi=F("moi"))
    connection.cursor().execute("ANALYZE")
    connections.close_all()


def after_edits(port: int, panel_id: int, edits: int) -> None:
    """The first reads of the 1,000-gene panel after each of ``edits`` curator edits made through the
    services (a tag set on a gene, no new version): what a reader waits for right after a change,
    and how long the edit itself takes (it stores the new answer before it returns)."""
    import statistics
    import time

    from api_latency import get
    from django.contrib.auth import get_user_model
    from django.db import connections

    from panels.models import GenePanelEntrySnapshot, GenePanelSnapshot
    from panels.services.entities import set_tags

    curator = get_user_model().objects.get(username="bench-curator")
    writes, reads = [], []
    for n in range(edits):
        snapshot = GenePanelSnapshot.objects.select_related("panel", "level4title").get(panel_id=panel_id)
        entity = GenePanelEntrySnapshot.objects.filter(panel=snapshot).order_by("id")[n % 50]
        started = time.perf_counter()
        set_tags(snapshot, entity, curator, [f"bench-{n}"])
        writes.append(time.perf_counter() - started)
        for _worker in range(2):  # a request for each gunicorn worker, as near as the kernel allows
            started = time.perf_counter()
            status, _ = get(port, f"/api/v1/panels/{panel_id}/")
            reads.append(time.perf_counter() - started)
            assert status == 200, status
    connections.close_all()
    print(
        f"after {edits} edits through the services: edit p50 {statistics.median(writes) * 1000:.1f} ms; first reads of the "
        f"1,000-gene panel p50 {statistics.median(reads) * 1000:.1f} ms, max {max(reads) * 1000:.1f} ms",
        flush=True,
    )


if __name__ == "__main__":
    main()
