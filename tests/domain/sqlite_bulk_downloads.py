"""The bulk downloads on the embedded default (SQLite): ``python sqlite_bulk_downloads.py STATE_DIR``.

Run as a subprocess by test_bulk_downloads.py (the test process's Django is configured for
PostgreSQL). Prints one JSON object: the rows of each download.
"""

import csv
import io
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

    call_command("migrate", verbosity=0)
    from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
    from panels.services.entities import EntityFields, add_entity, set_tags
    from panels.services.panels import PanelFields, create_panel
    from tests.domain.conftest import add_region, add_str, make_user

    upsert_genes(read_json_file(SAMPLE_GENES_FILE))
    curator = make_user("curator", "GEL")
    snapshot = create_panel(curator, PanelFields(name="Embedded", status="internal"))
    gene = add_entity(
        snapshot, curator, "gene", EntityFields(gene_symbol="ATM", sources=["Expert Review Amber", "Literature"])
    )
    set_tags(snapshot, gene, curator, ["watchlist", "adult-onset"])
    add_str(snapshot, curator)
    add_region(snapshot, curator)
    client = Client()
    client.force_login(curator)
    result = {}
    for name in ("genes", "strs", "regions", "panel"):
        response = client.get(f"/panels/download_{name}/")
        body = b"".join(response.streaming_content).decode()
        result[name] = list(csv.reader(io.StringIO(body, newline=""), delimiter="\t"))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
