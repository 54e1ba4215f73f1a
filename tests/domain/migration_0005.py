"""Migrate a database all the way, back to panels 0004 and forward again, and print the entity
JSON columns and triggers at each step: ``python migration_0005.py`` with DATABASE_URL
(PostgreSQL) set. Run as a subprocess by test_migrations.py on an empty database."""

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "app")]
os.environ["DJANGO_SETTINGS_MODULE"] = "panelapp.settings.test"


def state() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.columns WHERE column_name = 'detail_json' ORDER BY 1")
        columns = [table for (table,) in cursor.fetchall()]
        cursor.execute(
            "SELECT event_object_table, count(*) FROM information_schema.triggers "
            "WHERE trigger_name LIKE 'panelapp_json%' GROUP BY 1 ORDER BY 1"
        )
        triggers = dict(cursor.fetchall())
    return {"columns": columns, "triggers": triggers}


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    steps = {}
    call_command("migrate", verbosity=0)
    steps["migrated"] = state()
    call_command("migrate", "panels", "0004", verbosity=0)
    steps["back to 0004"] = state()
    call_command("migrate", verbosity=0)
    steps["forward again"] = state()
    print(json.dumps(steps))


if __name__ == "__main__":
    main()
