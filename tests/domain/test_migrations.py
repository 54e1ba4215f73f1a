"""Migration 0004 keeps the data it converts (jsonb to json on PostgreSQL, longer tag names); 0005's
kept entity JSON and its triggers come and go with it."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

pytestmark = [pytest.mark.postgres]


def run_on_a_new_database(postgres_server, script: str) -> dict:
    """Run ``script`` (beside this file) against a new, empty database; its last line of output."""
    from tests.runtime.conftest import command_env

    name = f"migration_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(
        host=postgres_server.host,
        port=postgres_server.port,
        user=postgres_server.user,
        password=postgres_server.password,
        dbname=postgres_server.dbname,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        url = (
            f"postgresql://{postgres_server.user}:{postgres_server.password}@{postgres_server.host}:"
            f"{postgres_server.port}/{name}"
        )
        done = subprocess.run(
            [sys.executable, str(Path(__file__).with_name(script))],
            env=command_env({"DATABASE_URL": url}),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def test_migration_0004_converts_the_verbatim_columns_and_keeps_their_data(postgres_server):
    result = run_on_a_new_database(postgres_server, "migration_0004.py")
    assert result["columns"] == {
        "panels_historicalsnapshot.data": ["json", None],
        "panels_genepanelentrysnapshot.gene": ["json", None],
        "panels_str.gene": ["json", None],
        "panels_region.gene": ["json", None],
        "panels_gene.gene_data": ["json", None],
        "panels_tag.name": ["character varying", 255],
    }
    # The frozen version is kept, in the order jsonb had given it (shorter keys first).
    assert list(result["data"]) == ["id", "name", "genes", "version"]
    assert result["data"]["version"] == "0.1" and result["data"]["name"] == "Old panel"
    assert result["tags"] == ["old-tag"]


def test_migration_0005_adds_the_kept_entity_json_and_takes_it_away_again(postgres_server):
    steps = run_on_a_new_database(postgres_server, "migration_0005.py")
    entity_tables = ["panels_genepanelentrysnapshot", "panels_region", "panels_str"]
    # Per entity kind: one trigger on the entity, three on each of its two link tables, and one on
    # panels_evidence and one on panels_tag.
    triggers = dict.fromkeys(entity_tables, 1)
    for table in entity_tables:
        triggers |= {f"{table}_evidence": 3, f"{table}_tags": 3}
    triggers |= {"panels_evidence": 3, "panels_tag": 3}
    assert steps["migrated"] == {"columns": entity_tables, "triggers": triggers}
    assert steps["back to 0004"] == {"columns": [], "triggers": {}}
    assert steps["forward again"] == steps["migrated"]
