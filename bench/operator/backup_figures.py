"""Figures: what the backup before a migration costs on a production-size data set.

PostgreSQL (the tests' server, started fresh), migrated, filled with bench/domain/dataset.py
(40,000 genes, 300 panels, 30,000 gene entities); then the backup Job's command, panelapp-backup
(pg_dump --format=custom streamed to S3; S3 is moto on loopback, so the upload costs little next to
a real one), and panelapp-restore of that dump. Prints duration and size; asserts nothing.

    .venv/bin/python bench/operator/backup_figures.py
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [
    str(REPO),
    str(REPO / "app"),
    str(REPO / "hack"),
    str(REPO / "bench" / "app"),
    str(REPO / "bench" / "domain"),
]

from support import PLACEHOLDER_ENV, VENV_BIN, process_env  # noqa: E402 - importable only after the sys.path insert above


def run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, env=process_env(env), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def main() -> None:
    import boto3
    from moto.server import ThreadedMotoServer

    from tests.fixtures.services import start_postgres

    workdir = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    server, stop_postgres = start_postgres(workdir / "cluster")
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    env = {
        **PLACEHOLDER_ENV,
        "DATABASE_URL": server.url,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": "eu-west-2",
    }
    try:
        run([str(VENV_BIN / "panelapp-migrate")], env)
        os.environ.update(env)
        import django

        django.setup()
        # moto's werkzeug logs every request; Django's logging configuration would print them all.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        from dataset import build

        summary = build()
        from django.db import connections

        connections.close_all()
        print(
            f"data set: {summary['genes']} genes, {summary['panels']} panels, "
            f"{summary['gene_entities']} gene entities; load average {os.getloadavg()[0]:.1f} (shared machine)"
        )
        s3 = boto3.client(
            "s3",
            region_name="eu-west-2",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        s3.create_bucket(Bucket="panelapp-db-backups", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        started = time.perf_counter()
        result = json.loads(
            run(
                [
                    str(VENV_BIN / "panelapp-backup"),
                    "--bucket=panelapp-db-backups",
                    "--prefix=bench/panelapp",
                    "--label=bench",
                ],
                env,
            )
            .strip()
            .splitlines()[-1]
        )
        wall = time.perf_counter() - started
        print(
            f"backup: {result['sizeBytes'] / 1024 / 1024:.1f} MiB in {result['durationSeconds']:.1f} s "
            f"(pg_dump and upload), {wall:.1f} s for the whole command (Django start-up included)"
        )
        started = time.perf_counter()
        restored = json.loads(
            run([str(VENV_BIN / "panelapp-restore"), f"--object={result['objectKey']}"], env).strip().splitlines()[-1]
        )
        print(
            f"restore: {restored['durationSeconds']:.1f} s (pg_restore in one transaction), "
            f"{time.perf_counter() - started:.1f} s for the whole command"
        )
    finally:
        moto.stop()
        stop_postgres()


if __name__ == "__main__":
    main()
