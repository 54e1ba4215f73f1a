"""Build ``exact_scenario`` on the embedded default (SQLite) and print its answers, made
comparable: ``python sqlite_exact.py STATE_DIR``. Run as a subprocess by test_api_exact_data.py
(the test process's Django is configured for PostgreSQL)."""

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "app")]
os.environ["DJANGO_SETTINGS_MODULE"] = "panelapp.settings.local"
os.environ["PANELAPP_LOCAL_DIR"] = sys.argv[1]
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_LOG_LEVEL", "CRITICAL")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
    from tests.domain import exact_scenario
    from tests.domain.conftest import make_user

    upsert_genes(read_json_file(SAMPLE_GENES_FILE))
    panel_id = exact_scenario.build(make_user("curator", "GEL"))
    texts = exact_scenario.answers(Client(), panel_id)
    print(json.dumps({name: exact_scenario.comparable(text) for name, text in texts.items()}))


if __name__ == "__main__":
    main()
