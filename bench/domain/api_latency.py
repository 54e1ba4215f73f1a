"""Figures: requests per second and p50/p99 latency of PanelApp's busiest reads, on PostgreSQL,
served by panelapp-web (gunicorn, 2 workers, docker-aws settings) over a generated data set of
production size (see dataset.py: 40,000 genes, 300 panels, 30,000 gene entities).

Measured, one after the other, each for ``--seconds`` with ``--clients`` concurrent clients:

* ``/api/v1/panels/``                 the panel list (first page of 100)
* ``/api/v1/panels/<id>/``            a panel of 1,000 genes, with every gene
* ``/api/v1/genes/BRCA1/``            BRCA1 on 60 panels
* ``/panels/<id>/``                   the web page of the 1,000-gene panel

Answers are cached per panel revision (see app/panels/cache.py), so the steady figures are of
cached answers; the script then also measures the first request after each change, which builds
the panel again.

The machine is shared (2 cores, other work running): the load generator runs on the same cores
as gunicorn and PostgreSQL, so the figures are a floor, not a ceiling.

    .venv/bin/python bench/domain/api_latency.py [--seconds 15] [--clients 4]
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "app"), str(REPO / "hack"), str(REPO / "bench" / "app")]

from support import PLACEHOLDER_ENV, VENV_BIN, free_port, process_env, stop  # noqa: E402 - importable only after the sys.path insert above


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=process_env(env), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")


def build_dataset(env: dict[str, str]) -> dict:
    """Generate the data in this process, against the benchmark database."""
    os.environ.update(env)
    import django

    django.setup()
    from dataset import build

    started = time.perf_counter()
    summary = build()
    summary["seconds"] = round(time.perf_counter() - started, 1)
    from django.db import connections

    connections.close_all()
    return summary


def start_web(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    # The child keeps its own copy of the log's descriptor; the file stays for a failure's report.
    with tempfile.NamedTemporaryFile(prefix="bench-web-", suffix=".log", delete=False) as log:
        web = subprocess.Popen(
            [str(VENV_BIN / "panelapp-web")],
            env=process_env({**env, "GUNICORN_WORKERS": str(workers), "GUNICORN_BIND": f"127.0.0.1:{port}"}),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise SystemExit(f"panelapp-web exited:\n{Path(log.name).read_text()[-3000:]}")
        try:
            status, _ = get(port, "/version/")
            if status == 200:
                return web, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit("panelapp-web did not answer within 60 s")


def get(port: int, path: str) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "GET", path, headers={"Host": "localhost", "Accept": "application/json" if "/api/" in path else "text/html"}
        )
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        connection.close()


def measure(port: int, path: str, seconds: float, clients: int) -> dict:
    for _ in range(10):  # warm up both workers (imports, caches, connections)
        status, size = get(port, path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        mine = []
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            status, _ = get(port, path)
            elapsed = time.perf_counter() - started
            if status == 200:
                mine.append(elapsed)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "bytes": size,
        "errors": errors[0],
    }


def after_each_change(port: int, path: str, panel_id: int, times: int = 10) -> dict:
    """Latency of the first request after the panel changed: the cached rendering is stale and
    the whole panel is built again (the cost a reader pays right after a curator's edit)."""
    from django.db import connections
    from django.utils import timezone

    from panels.models import GenePanelSnapshot

    latencies = []
    for _ in range(times):
        GenePanelSnapshot.objects.filter(panel_id=panel_id).update(modified=timezone.now())
        connections.close_all()
        for _worker in range(2):  # both gunicorn workers hold their own cache
            started = time.perf_counter()
            status, _ = get(port, path)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
    latencies.sort()
    return {"p50": statistics.median(latencies) * 1000, "max": latencies[-1] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from tests.fixtures.services import start_postgres

    workdir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    server, stop_postgres = start_postgres(workdir / "cluster")
    env = {**PLACEHOLDER_ENV, "DATABASE_URL": server.url, "DJANGO_LOG_LEVEL": "WARNING"}
    web = None
    try:
        run([str(VENV_BIN / "panelapp-migrate")], env)
        summary = build_dataset(env)
        print(
            f"data set: {summary['genes']} genes, {summary['panels']} panels, {summary['gene_entities']} gene entities "
            f"(BRCA1 on {summary['brca1_panels']} panels), generated in {summary['seconds']} s"
        )
        run(
            [
                str(VENV_BIN / "panelapp-manage"),
                "shell",
                "-c",
                "from django.db import connection; connection.cursor().execute('ANALYZE')",
            ],
            env,
        )
        web, port = start_web(env, args.workers)
        big = summary["big_panel_id"]
        targets = [
            ("panel list", "/api/v1/panels/"),
            ("panel of 1,000 genes", f"/api/v1/panels/{big}/"),
            ("genes/BRCA1", "/api/v1/genes/BRCA1/"),
            ("panel web page (1,000 genes)", f"/panels/{big}/"),
        ]
        print(
            f"gunicorn {args.workers} workers, {args.clients} concurrent clients, {args.seconds:.0f} s each; "
            f"load average before: {os.getloadavg()[0]:.1f} (other work on this machine)"
        )
        print(f"{'endpoint':32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'KiB':>8} {'errors':>7}")
        for label, path in targets:
            figures = measure(port, path, args.seconds, args.clients)
            print(
                f"{label:32} {figures['rps']:8.1f} {figures['p50']:8.1f} {figures['p99']:8.1f} "
                f"{figures['bytes'] / 1024:8.0f} {figures['errors']:7d}",
                flush=True,
            )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        print("first request after a change to the 1,000-gene panel (cache rebuilt), 10 changes:")
        for label, path in targets[1:2] + targets[3:]:
            figures = after_each_change(port, path, big)
            print(f"{label:32} p50 {figures['p50']:7.1f} ms   max {figures['max']:7.1f} ms", flush=True)
    finally:
        if web is not None:
            stop(web)
        stop_postgres()


if __name__ == "__main__":
    main()
