"""Releases, the MOI check and the home page on the embedded default (SQLite, tasks in-process):
``python sqlite_features.py STATE_DIR``, run as a subprocess by test_embedded_default_features.py
(the test process's Django is configured for PostgreSQL). Prints one JSON object of what it saw."""

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
    from django.core import mail
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the locmem outbox, as in any Django test
    call_command("migrate", verbosity=0)
    from homepage.models import HomeText
    from moi_checks.tasks import moi_check
    from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
    from panels.models import GenePanelSnapshot
    from panels.services.entities import EntityFields, add_entity
    from panels.services.panels import PanelFields, create_panel
    from releases.models import Release, ReleaseDeployment
    from tests.domain.conftest import BIALLELIC, make_user

    upsert_genes(read_json_file(SAMPLE_GENES_FILE))
    curator = make_user("curator", "GEL")
    panel = create_panel(curator, PanelFields(name="SQLite release panel", status="public"))
    add_entity(panel, curator, "gene", EntityFields(gene_symbol="DMD", sources=["Expert Review Green"], moi=BIALLELIC))
    client = Client()
    client.force_login(curator)
    seen = {}
    seen["create"] = client.post(
        "/releases/create/", {"name": "SQLite", "promotion_comment": "v{{ version }}"}
    ).status_code
    release = Release.objects.get(name="SQLite")
    csv_file = SimpleUploadedFile("r.csv", f"Panel ID,Promote\n{panel.panel_id},true\n".encode())
    seen["import"] = client.post(f"/releases/{release.pk}/panels/import/", {"import_file": csv_file}).status_code
    seen["deploy"] = client.post(f"/releases/{release.pk}/deployment/").status_code
    seen["state"] = ReleaseDeployment.objects.get(release=release).state
    live = GenePanelSnapshot.objects.select_related("panel__signed_off").get(pk=panel.pk)
    seen["versions"] = [live.version, live.panel.signed_off.version]
    seen["record_page"] = "What the deployment changed" in client.get(f"/releases/{release.pk}/").content.decode()
    moi_check.delay()
    seen["moi_emails"] = [(m.subject[:10], m.attachments[0][1].splitlines()[1]) for m in mail.outbox if m.attachments]
    HomeText.objects.create(section=1, title="Hello", href="hello", text="**Hi** <script>x()</script>")
    home = client.get("/").content.decode()
    seen["home"] = ["<strong>Hi</strong>" in home, "&lt;script&gt;x()&lt;/script&gt;" in home, "<script>x()" in home]
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
