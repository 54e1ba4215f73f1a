"""Figure: a fresh gunicorn worker's first request against its later ones, on PostgreSQL.

For each path, panelapp-web (docker-aws settings, 1 worker) is started afresh several times; the
first request to the path is timed, then the median of the next 20 of the same request (answered
from the worker's cache) and of 20 with a distinct query string each (built again, like the first:
the cache is per process and keyed on the whole address). The data set is the upload's shape (120
panels, one of 1,000 genes, BRCA1 on 40; dataset.py).

    .venv/bin/python bench/domain/first_request.py [--runs 3] [--env GUNICORN_PRELOAD_APP=false ...]
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

from api_latency import get, start_web  # noqa: E402 - importable only after the sys.path insert above
from database import migrated_postgres  # noqa: E402 - importable only after the sys.path insert above
from support import stop  # noqa: E402 - importable only after the sys.path insert above


def timed(port: int, path: str) -> float:
    started = time.perf_counter()
    status, _ = get(port, path)
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--env", action="append", default=[], help="extra NAME=VALUE for panelapp-web")
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.env)

    # The benchmark is one client address hammering the API: lift the per-address rate limit.
    with migrated_postgres({"API_THROTTLE_ANON_RATE": "1000000/second"}) as (_server, env):
        from dataset import build
        from django.db import connections

        summary = build(genes=20_000, panels=120, entities=7_649, big_panel=1_000, brca1_panels=40)
        connections.close_all()
        paths = ["/api/v1/panels/", "/api/v1/genes/BRCA1/", f"/api/v1/panels/{summary['big_panel_id']}/"]
        print(f"panelapp-web, 1 worker, {args.runs} fresh starts per path; extra env {extra or 'none'}")
        print(f"{'path':28} {'first ms':>9} {'cached':>7} {'built':>7} {'first/built':>11} {'start s':>8} {'load':>5}")
        for path in paths:
            firsts, laters, builts, starts = [], [], [], []
            for _ in range(args.runs):
                began = time.perf_counter()
                web, port = start_web({**env, **extra}, workers=1)
                starts.append(time.perf_counter() - began)
                try:
                    firsts.append(timed(port, path))
                    laters.append(statistics.median(timed(port, path) for _ in range(20)))
                    builts.append(statistics.median(timed(port, f"{path}?warm={n}") for n in range(20)))
                finally:
                    stop(web)
            first, later, built = (statistics.median(v) * 1000 for v in (firsts, laters, builts))
            print(
                f"{path:28} {first:9.1f} {later:7.1f} {built:7.1f} {first / built:11.1f} {statistics.median(starts):8.2f} "
                f"{os.getloadavg()[0]:5.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
