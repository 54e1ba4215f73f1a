"""Figures: how long ``panelapp-manage mirror --from URL`` takes, and how many requests it sends,
for a full copy and for incremental runs, between two instances of this app on PostgreSQL.

The source is panelapp-web (gunicorn, docker-aws settings) over a generated data set (dataset.py;
by default 20,000 genes, 100 panels, 10,000 gene entities, one panel of 1,000 genes, reviews on
some entities); the mirror is a second database on the same
server, filled by the console command as an operator would run it. Measured:

* the full copy (every panel, every entity's reviews, every signed-off version);
* a second run with nothing changed at the source (the two lists only);
* a run after one panel changed at the source (that panel again).

The machine is shared (2 cores, other work running): source, mirror and PostgreSQL share them.

    .venv/bin/python bench/domain/mirror.py [--panels 100] [--entities 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "app"), str(REPO / "hack"), str(REPO / "bench" / "app"), str(HERE)]

from api_latency import build_dataset, run, start_web  # noqa: E402 - importable only after the sys.path insert above
from support import PLACEHOLDER_ENV, VENV_BIN, process_env, stop  # noqa: E402 - importable only after the sys.path insert above

MIRROR_DATABASE = "panelapp_mirror"


def mirror(url: str, env: dict[str, str]) -> tuple[dict, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(VENV_BIN / "panelapp-manage"), "mirror", "--from", url, "--json"],
        env=process_env(env),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"mirror failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genes", type=int, default=20_000)
    parser.add_argument("--panels", type=int, default=100)
    parser.add_argument("--entities", type=int, default=10_000)
    args = parser.parse_args()

    from tests.fixtures.services import start_postgres

    workdir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    server, stop_postgres = start_postgres(workdir / "cluster")
    source_env = {**PLACEHOLDER_ENV, "DATABASE_URL": server.url, "DJANGO_LOG_LEVEL": "WARNING"}
    mirror_env = {**source_env, "DATABASE_URL": server.url_for(MIRROR_DATABASE)}
    web = None
    try:
        run([str(VENV_BIN / "panelapp-migrate")], source_env)
        os.environ.update(source_env)
        summary = build_dataset_sized(source_env, args)
        print(
            f"source: {summary['panels']} panels, {summary['gene_entities']} gene entities, "
            f"generated in {summary['seconds']} s"
        )
        import psycopg2

        connection = psycopg2.connect(server.url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {MIRROR_DATABASE}")
        connection.close()
        run([str(VENV_BIN / "panelapp-migrate")], mirror_env)
        # The source's default throttle (1200 anonymous requests a minute) would set the pace: off here,
        # to measure the mirror. Against a throttled source the mirror waits as its 429s ask.
        web, port = start_web({**source_env, "API_THROTTLE_ANON_RATE": "off"}, 2)
        url = f"http://127.0.0.1:{port}"
        print(f"load average before: {os.getloadavg()[0]:.1f} (other work on this machine)")
        for label in ("full copy", "nothing changed"):
            result, seconds = mirror(url, mirror_env)
            print(
                f"{label:18} {seconds:7.1f} s  {result['requests']:6d} requests  "
                f"{len(result['fetched']):4d} panels fetched  {result['unchanged']:4d} unchanged",
                flush=True,
            )
        run(
            [
                str(VENV_BIN / "panelapp-manage"),
                "shell",
                "--no-imports",
                "-c",
                "from panels.models import GenePanelSnapshot; from django.utils import timezone; "
                "s = GenePanelSnapshot.objects.order_by('pk').first(); "
                "GenePanelSnapshot.objects.filter(pk=s.pk).update(minor_version=s.minor_version + 1, "
                "created=timezone.now(), modified=timezone.now())",
            ],
            source_env,
        )
        result, seconds = mirror(url, mirror_env)
        print(
            f"{'one panel changed':18} {seconds:7.1f} s  {result['requests']:6d} requests  "
            f"{len(result['fetched']):4d} panels fetched  {result['unchanged']:4d} unchanged"
        )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        if web is not None:
            stop(web)
        stop_postgres()


def build_dataset_sized(env: dict[str, str], args: argparse.Namespace) -> dict:
    import dataset

    original = dataset.build

    def sized(**kwargs: object) -> dict:
        return original(genes=args.genes, panels=args.panels, entities=args.entities, brca1_panels=20)

    dataset.build = sized
    try:
        return build_dataset(env)
    finally:
        dataset.build = original


if __name__ == "__main__":
    main()
