"""``panelapp-backup --bucket B --prefix P --label L --keep N``: a dump of PanelApp's database in S3;
``panelapp-restore --object s3://B/KEY``: that dump back into the database.

What the operator's backup Job runs before a migration. ``pg_dump --format=custom`` (the format
``pg_restore`` reads, compressed) of the database the settings name, streamed straight to
``s3://B/P/<UTC time>-<L>.dump`` (nothing touches the read-only disk), then every dump under P but
the newest N is deleted. The result, one JSON object {"objectKey", "sizeBytes",
"durationSeconds"}, is printed and written to the container's termination message, which the
operator copies into the PanelApp's status.backups.

The database password goes to pg_dump in PGPASSWORD only; it is never printed or logged. S3 is
reached with the media storage's region, endpoint and credentials (the pods' IAM role, usually).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from django.conf import settings

TERMINATION_LOG = Path("/dev/termination-log")
DUMP_SUFFIX = ".dump"


class _Counting:
    """A read-only stream that counts what passes (the dump's size, without a second pass)."""

    def __init__(self, stream):
        self.stream, self.size = stream, 0

    def read(self, amount: int = -1) -> bytes:
        chunk = self.stream.read(amount)
        self.size += len(chunk)
        return chunk


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="panelapp-backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--bucket", required=True, help="S3 bucket of the dumps")
    parser.add_argument("--prefix", required=True, help="key prefix of this installation's dumps")
    parser.add_argument("--label", default="manual", help="part of the key, e.g. the upgrade it precedes")
    parser.add_argument("--keep", type=int, default=10, help="dumps kept under the prefix (the newest)")
    return parser.parse_args(argv)


def pg_environment(database: Mapping[str, Any]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for variable, setting in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGDATABASE", "NAME"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if database.get(setting):
            env[variable] = str(database[setting])
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def s3_client():
    # boto3 takes a second to import: only the backup and restore commands need it here.
    import boto3

    # django-stubs types a storage's entries as text or a dict; OPTIONS is the dict.
    options = cast("dict[str, Any]", settings.STORAGES["default"].get("OPTIONS", {}))
    credentials = {"aws_access_key_id": options.get("access_key"), "aws_secret_access_key": options.get("secret_key")}
    return boto3.client(
        "s3",
        region_name=options.get("region_name"),
        endpoint_url=options.get("endpoint_url"),
        **{name: value for name, value in credentials.items() if value},
    )


def backup(bucket: str, prefix: str, label: str, keep: int) -> dict:
    prefix = prefix.strip("/")
    key = f"{prefix}/{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{label}{DUMP_SUFFIX}"
    client = s3_client()
    started = time.monotonic()
    dump = subprocess.Popen(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=pg_environment(settings.DATABASES["default"]),
    )
    stdout, stderr = dump.stdout, dump.stderr
    assert stdout is not None and stderr is not None  # both PIPE
    counted = _Counting(stdout)
    try:
        client.upload_fileobj(counted, bucket, key)
    finally:
        stdout.close()
        errors = stderr.read().decode(errors="replace")
        code = dump.wait()
    if code != 0:
        client.delete_object(Bucket=bucket, Key=key)  # a partial dump is no backup
        raise RuntimeError(f"pg_dump exited with {code}: {errors.strip()[-500:]}")
    result = {
        "objectKey": f"s3://{bucket}/{key}",
        "sizeBytes": counted.size,
        "durationSeconds": round(time.monotonic() - started, 3),
    }
    deleted = prune(client, bucket, prefix, keep)
    if deleted:
        result["deleted"] = len(deleted)
    return result


def prune(client, bucket: str, prefix: str, keep: int) -> list[str]:
    """Delete all but the newest `keep` dumps under the prefix (names start with their UTC time)."""
    keys: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/"):
        keys += [item["Key"] for item in page.get("Contents") or () if item["Key"].endswith(DUMP_SUFFIX)]
    old = sorted(keys, reverse=True)[keep:]
    for key in old:
        client.delete_object(Bucket=bucket, Key=key)
    return old


def restore(location: str) -> dict:
    """Replace the database's contents with a dump from S3: pg_restore --clean --if-exists in one
    transaction (a failure leaves the database as it was), fed straight from the object."""
    bucket, _, key = location.removeprefix("s3://").partition("/")
    if not location.startswith("s3://") or not bucket or not key:
        raise ValueError(f"{location}: expected s3://bucket/key")
    database = settings.DATABASES["default"]
    client = s3_client()
    started = time.monotonic()
    process = subprocess.Popen(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database['NAME']}",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=pg_environment(database),
    )
    stdin, stderr = process.stdin, process.stderr
    assert stdin is not None and stderr is not None  # both PIPE
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
    reader.start()
    try:
        client.download_fileobj(bucket, key, stdin)
    finally:
        stdin.close()
        code = process.wait()
        reader.join(10)
    if code != 0:
        raise RuntimeError(f"pg_restore exited with {code}: {b''.join(errors).decode(errors='replace').strip()[-500:]}")
    return {"restored": location, "durationSeconds": round(time.monotonic() - started, 3)}


def restore_main(argv: list[str] | None = None) -> None:
    """``panelapp-restore --object s3://bucket/key``: the operator's restore task."""
    # runtime.commands imports this module: importing it back here, when the command runs, breaks the cycle.
    from runtime.commands import load_settings

    parser = argparse.ArgumentParser(prog="panelapp-restore", description=(restore.__doc__ or "").split("\n\n")[0])
    parser.add_argument("--object", required=True, help="the dump, s3://bucket/key (from status.backups)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    load_settings()
    try:
        result = restore(args.object)
    except Exception as error:
        _report({"error": f"{type(error).__name__}: {error}"})
        sys.exit(1)
    _report(result)


def main(argv: list[str] | None = None) -> None:
    # runtime.commands imports this module: importing it back here, when the command runs, breaks the cycle.
    from runtime.commands import load_settings

    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    load_settings()
    try:
        result = backup(args.bucket, args.prefix, args.label, max(args.keep, 1))
    except Exception as error:
        result = {"error": f"{type(error).__name__}: {error}"}
        _report(result)
        sys.exit(1)
    _report(result)


def _report(result: dict) -> None:
    line = json.dumps(result)
    print(line, flush=True)
    with contextlib.suppress(OSError):  # not in a Kubernetes pod
        TERMINATION_LOG.write_text(line)
