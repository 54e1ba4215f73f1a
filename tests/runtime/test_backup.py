"""panelapp-backup: a real pg_dump of the migrated database streamed to S3 (moto), restorable,
with retention by count and its result as one JSON line; the password never printed."""

import json
import subprocess
from urllib.parse import urlsplit

import pytest

from .conftest import run_command

pytestmark = pytest.mark.postgres


def test_the_dump_lands_in_s3_is_restorable_and_old_ones_are_pruned(aws, production_env, runtime_database, tmp_path):
    s3 = aws._client("s3")
    s3.create_bucket(Bucket="panelapp-db-backups", CreateBucketConfiguration={"LocationConstraint": aws.region})
    prefix = "dumps/ns/panelapp"
    for stamp in ("20200101T000000Z", "20200102T000000Z", "20200103T000000Z"):
        s3.put_object(Bucket="panelapp-db-backups", Key=f"{prefix}/{stamp}-old.dump", Body=b"old")

    done = run_command(
        "panelapp-backup",
        "--bucket=panelapp-db-backups",
        f"--prefix={prefix}",
        "--label=abc12345",
        "--keep=2",
        env=production_env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    result = json.loads(done.stdout.strip().splitlines()[-1])
    key = result["objectKey"].removeprefix("s3://panelapp-db-backups/")
    assert key.startswith(f"{prefix}/") and key.endswith("-abc12345.dump")
    body = s3.get_object(Bucket="panelapp-db-backups", Key=key)["Body"].read()
    assert len(body) == result["sizeBytes"] > 1000 and body[:5] == b"PGDMP"  # pg_dump's custom format
    assert result["durationSeconds"] > 0
    dump = tmp_path / "panelapp.dump"
    dump.write_bytes(body)
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True).stdout
    assert "TABLE public panels_genepanelsnapshot" in listing and "TABLE DATA public django_migrations" in listing
    kept = sorted(item["Key"] for item in s3.list_objects_v2(Bucket="panelapp-db-backups", Prefix=prefix)["Contents"])
    assert kept == [f"{prefix}/20200103T000000Z-old.dump", key]
    password = urlsplit(runtime_database).password
    if password:
        assert password not in done.stdout + done.stderr


def test_a_failing_dump_says_why_and_leaves_nothing(aws, production_env):
    s3 = aws._client("s3")
    s3.create_bucket(Bucket="panelapp-db-backups", CreateBucketConfiguration={"LocationConstraint": aws.region})
    env = {**production_env, "DATABASE_URL": production_env["DATABASE_URL"].rsplit("/", 1)[0] + "/no_such_database"}
    failed = run_command("panelapp-backup", "--bucket=panelapp-db-backups", "--prefix=dumps", env=env, timeout=120)
    assert failed.returncode == 1
    assert "pg_dump exited with 1" in json.loads(failed.stdout.strip().splitlines()[-1])["error"]
    assert "Contents" not in s3.list_objects_v2(Bucket="panelapp-db-backups", Prefix="dumps")


def test_a_dump_restores_the_database_it_was_taken_from(aws, production_env, postgres_server):
    """panelapp-restore (the restore task's command) brings the data of a backup back."""
    import psycopg2

    admin = psycopg2.connect(postgres_server.url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS panelapp_restore_check")
        cursor.execute("CREATE DATABASE panelapp_restore_check")
    admin.close()
    url = postgres_server.url_for("panelapp_restore_check")

    def rows():
        with psycopg2.connect(url) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT name FROM curation ORDER BY name")
            return [name for (name,) in cursor.fetchall()]

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE curation (name text PRIMARY KEY)")
        cursor.execute("INSERT INTO curation VALUES ('years of curation'), ('more curation')")
    s3 = aws._client("s3")
    s3.create_bucket(Bucket="panelapp-db-backups", CreateBucketConfiguration={"LocationConstraint": aws.region})
    env = {**production_env, "DATABASE_URL": url}
    taken = run_command("panelapp-backup", "--bucket=panelapp-db-backups", "--prefix=dumps", env=env, timeout=120)
    assert taken.returncode == 0, taken.stdout + taken.stderr
    location = json.loads(taken.stdout.strip().splitlines()[-1])["objectKey"]

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("DELETE FROM curation WHERE name = 'years of curation'")
    assert rows() == ["more curation"]
    restored = run_command("panelapp-restore", f"--object={location}", env=env, timeout=120)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert json.loads(restored.stdout.strip().splitlines()[-1])["restored"] == location
    assert rows() == ["more curation", "years of curation"]

    missing = run_command("panelapp-restore", "--object=s3://panelapp-db-backups/dumps/none.dump", env=env, timeout=120)
    assert missing.returncode == 1 and "error" in json.loads(missing.stdout.strip().splitlines()[-1])
    assert rows() == ["more curation", "years of curation"]  # a failed restore changes nothing
