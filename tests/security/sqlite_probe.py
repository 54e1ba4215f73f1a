"""Run the bad-input probes on the embedded default (SQLite): ``python sqlite_probe.py STATE_DIR``.

Run as a subprocess by test_bad_input.py: the test process's Django is configured for PostgreSQL.
Prints one JSON object: the 5xx answers and how many probes ran.
"""

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

    setup_test_environment()  # the locmem outbox, as in any Django test
    call_command("migrate", verbosity=0)
    from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
    from panels.services.reviews import ReviewFields, submit_review
    from tests.domain.conftest import add_str, make_user
    from tests.security import probes

    upsert_genes(read_json_file(SAMPLE_GENES_FILE))
    curator = make_user("curator", "GEL", is_staff=True, is_superuser=True)
    from panels.services.entities import EntityFields, add_entity
    from panels.services.panels import PanelFields, create_panel

    snapshot = create_panel(curator, PanelFields(name="Probed", status="internal"))
    gene = add_entity(snapshot, curator, "gene", EntityFields(gene_symbol="BRCA1", sources=["Expert Review Green"]))
    add_str(snapshot, curator)
    review = submit_review(snapshot, gene, curator, ReviewFields(rating="GREEN", comment="ok"))
    ctx = probes.Context(panel=snapshot.panel_id, gene="BRCA1", str="HTT_CAG", review=review.pk)
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(curator)
    failures = probes.run({"anonymous": Client(raise_request_exception=False), "curator": signed_in}, ctx)
    print(
        json.dumps(
            {
                "failures": failures,
                "probes": len(ctx.answers),
                "signed_off": signed_off_items(curator),
                "media": media_answers(curator),
            }
        )
    )


def media_answers(curator) -> dict:
    """F15: an uploaded file on the embedded default, fetched by each kind of person."""
    from django.conf import settings
    from django.test import Client

    from tests.domain.conftest import make_user

    folder = Path(settings.MEDIA_ROOT) / "reviews"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reviews.tsv").write_text("reviewer\tcomment\n")
    reviewer = make_user("reviewer", "REVIEWER")
    answers = {"anonymous": Client().get("/media/reviews/reviews.tsv").status_code}
    for label, user in (("reviewer", reviewer), ("curator", curator)):
        client = Client()
        client.force_login(user)
        answers[label] = client.get("/media/reviews/reviews.tsv").status_code
    return answers


def signed_off_items(curator) -> list:
    """F18: the signed-off listing of a panel whose name and version look like JSON numbers."""
    import datetime as dt

    from django.test import Client

    from panels.services.panels import PanelFields, create_panel, update_panel

    snapshot = create_panel(curator, PanelFields(name="12345", status="internal"))
    fields = PanelFields.from_snapshot(snapshot)
    fields.status = "public"
    update_panel(snapshot, curator, fields)  # 0.1 -> published
    snapshot.refresh_from_db()
    fields = PanelFields.from_snapshot(snapshot)
    fields.signed_off_version, fields.signed_off_date = snapshot.version, dt.date(2024, 1, 5)
    update_panel(snapshot, curator, fields)
    body = Client().get("/api/v1/panels/signedoff/", {"display": "all"}, HTTP_ACCEPT="application/json").json()
    return [{key: item[key] for key in ("name", "version", "hash_id", "signed_off")} for item in body["results"]]


if __name__ == "__main__":
    main()
