"""Migration 0004 keeps the data it converts (jsonb to json on PostgreSQL, longer tag names)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

pytestmark = [pytest.mark.postgres]


def test_migration_0004_converts_the_verbatim_columns_and_keeps_their_data(postgres_server):
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
            [sys.executable, str(Path(__file__).with_name("migration_0004.py"))],
            env=command_env({"DATABASE_URL": url}),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()
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
