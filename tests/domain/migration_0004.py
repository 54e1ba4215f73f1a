"""Migrate a database to panels 0003, store a frozen version and a tag the old way, migrate on, and
print what became of them: ``python migration_0004.py`` with DATABASE_URL (PostgreSQL) set.
Run as a subprocess by test_migrations.py: its database must be empty, not the test database."""

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "app")]
os.environ["DJANGO_SETTINGS_MODULE"] = "panelapp.settings.test"


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "panels", "0003", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO panels_genepanel (created, modified, name, status) "
            "VALUES (now(), now(), 'Old panel', 'public') RETURNING id"
        )
        [panel_id] = cursor.fetchone()
        cursor.execute(
            "INSERT INTO panels_historicalsnapshot (panel_id, major_version, minor_version, reason, "
            "schema_version, data, created) VALUES (%s, 0, 1, '', '', %s::jsonb, now())",
            [panel_id, json.dumps({"version": "0.1", "name": "Old panel", "id": panel_id, "genes": []})],
        )
        cursor.execute("INSERT INTO panels_tag (name) VALUES ('old-tag')")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, character_maximum_length FROM information_schema.columns "
            "WHERE (table_name, column_name) IN (('panels_historicalsnapshot', 'data'), "
            "('panels_genepanelentrysnapshot', 'gene'), ('panels_str', 'gene'), ('panels_region', 'gene'), "
            "('panels_gene', 'gene_data'), ('panels_tag', 'name'))"
        )
        columns = {f"{table}.{column}": [kind, length] for table, column, kind, length in cursor.fetchall()}
        cursor.execute("SELECT data::text FROM panels_historicalsnapshot")
        [data] = cursor.fetchone()
        cursor.execute("SELECT name FROM panels_tag")
        tags = [name for (name,) in cursor.fetchall()]
    print(json.dumps({"columns": columns, "data": json.loads(data), "tags": tags}))


if __name__ == "__main__":
    main()
