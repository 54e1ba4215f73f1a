"""Uploads (reference §6.3, §6.4, §8 scenarios 5 and 6): stored in the media bucket, imported by a
real Celery worker over SQS, all or nothing, with every bad line reported."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from panels.models import Gene, GenePanelEntrySnapshot, HistoricalSnapshot, UploadedPanelList
from panels.services.entities import get_entity

from .conftest import make_user
from .uploads_helpers import gene_row, panel_tsv

pytestmark = [pytest.mark.postgres]

REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def synthetic_genes(count: int) -> list[str]:
    """Active genes beyond the sample table, for a large upload."""
    symbols = [f"TESTGENE{n}" for n in range(1, count + 1)]
    Gene.objects.bulk_create(
        [
            Gene(
                gene_symbol=s,
                gene_name=f"test gene {s}",
                hgnc_symbol=s,
                ensembl_genes={
                    "GRch38": {"90": {"ensembl_id": f"ENSG9{n:010d}", "location": f"1:{n * 1000}-{n * 1000 + 500}"}}
                },
                active=True,
            )
            for n, s in enumerate(symbols, start=1)
        ]
    )
    return symbols


def wait_for_import(upload_pk: int, timeout: float = 90.0) -> UploadedPanelList:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        upload = UploadedPanelList.objects.get(pk=upload_pk)
        if upload.is_finished():
            return upload
        time.sleep(0.25)
    raise AssertionError(f"the worker did not import upload {upload_pk} within {timeout}s")


@pytest.mark.django_db(transaction=True)
def test_large_panel_tsv_is_imported_by_the_worker_from_the_media_bucket(
    aws, celery_worker, tasks_over_sqs, smtp, settings, client, make_panel, curator
):
    from tests.fixtures.services import worker_database_env

    from .worker_settings import MEDIA_STORAGE

    settings.STORAGES = {**settings.STORAGES, "default": MEDIA_STORAGE}
    snapshot = make_panel("Test Panel", genes=["BRCA1"])
    before = snapshot.version_tuple
    symbols = synthetic_genes(250)
    worker = celery_worker(
        env={**worker_database_env(), **smtp.env, "PYTHONPATH": f"{REPO_ROOT / 'app'}:{REPO_ROOT}"},
        settings="tests.domain.worker_settings",
    )

    client.force_login(curator)
    content = panel_tsv([gene_row(s, "Test Panel") for s in symbols])
    response = client.post("/panels/upload/panel/", {"panel-file": SimpleUploadedFile("big panel.tsv", content)})
    assert response.status_code == 302, response.content[:500]
    upload_pk = int(response["Location"].rstrip("/").split("/")[-1])

    upload = wait_for_import(upload_pk)
    assert upload.status == "imported", (upload.errors, worker.output()[-3000:])
    assert upload.import_log == "Panel list successfully imported"
    snapshot.refresh_from_db()
    assert snapshot.version_tuple == before.next_minor()  # one bump for 250 rows
    assert snapshot.stats["number_of_genes"] == 251
    assert GenePanelEntrySnapshot.objects.filter(panel=snapshot, saved_gel_status=3).count() == 251
    keys = aws.object_keys(aws.media_bucket)
    assert any(key.startswith("media/panels/") and key.endswith(".tsv") for key in keys), keys
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "Success importing panel list"
    assert message["To"] == curator.email
    status_page = client.get(f"/panels/uploads/panel/{upload_pk}/")
    assert "Panel list successfully imported" in status_page.content.decode()

    # A redelivered message finds the upload finished and changes nothing.
    from panels.services.importing import run_import

    assert run_import("panel", upload_pk) == "imported"
    snapshot.refresh_from_db()
    assert snapshot.version_tuple == before.next_minor()


@pytest.mark.django_db
def test_small_panel_tsv_adds_genes_with_one_bump(client, make_panel, curator, django_capture_on_commit_callbacks):
    snapshot = make_panel("Test Panel", genes=[])
    before = snapshot.version_tuple
    client.force_login(curator)
    content = panel_tsv([gene_row(s, "Test Panel") for s in ("A1CF", "ABCC11", "ABCC5")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/panels/upload/panel/", {"panel-file": SimpleUploadedFile("p.tsv", content)})
    assert "Panel list successfully imported" in client.get(response["Location"]).content.decode()
    snapshot.refresh_from_db()
    assert snapshot.version_tuple == before.next_minor()
    genes = {e.name: e for e in GenePanelEntrySnapshot.objects.filter(panel=snapshot)}
    assert set(genes) == {"A1CF", "ABCC11", "ABCC5"}
    assert all(e.saved_gel_status == 3 and not e.flagged for e in genes.values())
    assert [ev.name for ev in genes["A1CF"].evidence.order_by("name")] == ["Expert Review Green", "Literature"]
    assert genes["A1CF"].phenotypes == ["Breast cancer", "Ovarian cancer"]


@pytest.mark.django_db
def test_a_bad_panel_tsv_is_rejected_whole_with_every_line_and_reason(
    client, make_panel, curator, django_capture_on_commit_callbacks, mailoutbox
):
    snapshot = make_panel("Test Panel", genes=["BRCA1"])
    make_panel("Another", genes=[])
    before = snapshot.version_tuple
    snapshots_before = HistoricalSnapshot.objects.count()
    client.force_login(curator)
    rows = [
        gene_row("A1CF", "Test Panel"),  # line 2: fine
        gene_row("NOTAGENE", "Test Panel"),  # line 3: unknown gene
        gene_row("ABCC5", "Test Panel", moi="sometimes"),  # line 4: bad MOI
        gene_row("ABCC11", "No such panel"),  # line 5: unknown panel
        gene_row("TP53", "Test Panel", sources="Expert Review Green", moi="Unknown"),  # line 6: green with unknown MOI
        gene_row("APC", "Another", **{"Gene Symbol": "PTEN"}),  # line 7: name and symbol differ
        gene_row("A12M1~withdrawn", "Test Panel"),  # line 8: inactive gene
    ]
    content = panel_tsv(rows).replace(b"\nABCC11", b"\n\nABCC11")  # an empty line 5; ABCC11 moves to 6
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/panels/upload/panel/", {"panel-file": SimpleUploadedFile("bad.tsv", content)})
    page = client.get(response["Location"]).content.decode()
    upload = UploadedPanelList.objects.get()
    assert upload.status == "failed"
    by_line = {}
    for problem in upload.errors:
        by_line.setdefault(problem["line"], []).append(f"{problem['column']}: {problem['reason']}")
    assert set(by_line) == {3, 4, 5, 6, 7, 8, 9, None}, by_line
    assert "NOTAGENE is not an active gene symbol" in str(by_line[3])
    assert "Model_Of_Inheritance" in str(by_line[4])
    assert "Empty lines are not allowed" in str(by_line[5])
    assert "there is no panel named 'No such panel'" in str(by_line[6])
    assert "known mode of inheritance" in str(by_line[7])
    assert "must equal the entity name" in str(by_line[8])
    assert "A12M1~withdrawn is not an active gene symbol" in str(by_line[9])
    assert "Can't find following genes: A12M1~withdrawn, NOTAGENE" in str(by_line[None])
    for line in (3, 4, 5, 6, 7, 8, 9):
        assert f"<td>{line}</td>" in page
    assert "nothing was imported" in page

    # nothing changed anywhere
    snapshot.refresh_from_db()
    assert snapshot.version_tuple == before
    assert HistoricalSnapshot.objects.count() == snapshots_before
    assert not GenePanelEntrySnapshot.objects.filter(gene_core_id="A1CF").exists()
    assert mailoutbox[-1].subject == "Error importing panel list"


@pytest.mark.django_db
def test_uploads_refuse_super_panels_and_non_curators(
    client, make_panel, curator, reviewer, django_capture_on_commit_callbacks
):
    from panels.services.panels import PanelFields, create_panel

    child = make_panel("Child", genes=[])
    create_panel(curator, PanelFields(name="Super", status="public", child_panel_ids=[child.panel_id]))
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/panels/upload/panel/", {"panel-file": SimpleUploadedFile("s.tsv", panel_tsv([gene_row("A1CF", "Super")]))}
        )
    assert "Following panels are super panels: Super" in str(UploadedPanelList.objects.get().errors)

    client.force_login(reviewer)
    response = client.post("/panels/upload/panel/", {"panel-file": SimpleUploadedFile("s.tsv", b"x")})
    assert response.status_code == 403
    assert UploadedPanelList.objects.count() == 1


@pytest.mark.django_db
def test_upload_form_errors_show_next_to_the_field(client, curator):
    client.force_login(curator)
    response = client.post("/panels/upload/panel/", {"panel-file": SimpleUploadedFile("panel.xlsx", b"data")})
    assert response.status_code == 400
    assert 'id="id_panel-file_errors"' in response.content.decode()
    assert "Choose a .tsv or .txt file." in response.content.decode()
    assert not UploadedPanelList.objects.exists()


@pytest.mark.django_db
def test_reviews_tsv_reviews_as_each_user_with_one_bump_per_panel(
    client, make_panel, curator, reviewer, django_capture_on_commit_callbacks
):
    from panels.imports.reviews_tsv import COLUMNS

    snapshot = make_panel("Test Panel", genes=["BRCA1", "TP53"])
    before = snapshot.version_tuple
    other = make_user("other", "REVIEWER")

    def review(symbol, username, rate, comment):
        cells = dict.fromkeys(COLUMNS, "")
        cells.update(
            Gene_Symbol=symbol,
            Level4="Test Panel",
            Rate=rate,
            Username=username,
            Comments=comment,
            Phenotypes="Breast cancer",
            **{"Current Diagnostic": "True"},
        )
        return "\t".join(cells[c] for c in COLUMNS)

    good = "\n".join(
        [
            "\t".join(COLUMNS),
            review("BRCA1", "reviewer", "GREEN", "ok"),
            review("TP53", "other", "Red List (low evidence)", "weak"),
        ]
    )
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/panels/upload/reviews/", {"reviews-file": SimpleUploadedFile("r.tsv", good.encode())})
    snapshot.refresh_from_db()
    assert snapshot.version_tuple == before.next_minor()
    assert get_entity(snapshot, "gene", "BRCA1").evaluation.get(user=reviewer).rating == "GREEN"
    assert get_entity(snapshot, "gene", "TP53").evaluation.get(user=other).rating == "RED"

    bad = "\n".join(
        ["\t".join(COLUMNS), review("BRCA1", "nobody", "GREEN", "x"), review("APC", "reviewer", "BLUE", "x")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/panels/upload/reviews/", {"reviews-file": SimpleUploadedFile("r.tsv", bad.encode())})
    page = client.get(response["Location"]).content.decode()
    assert "there is no user &#x27;nobody&#x27;" in page and "&#x27;BLUE&#x27; is not GREEN, AMBER or RED" in page
    snapshot.refresh_from_db()
    assert snapshot.version_tuple == before.next_minor()


@pytest.mark.django_db
def test_gene_json_upload_inserts_renames_and_bumps_every_panel(
    client, make_panel, curator, django_capture_on_commit_callbacks
):
    import json

    snapshot = make_panel("Test Panel", genes=["BRCA1"])
    before = snapshot.version_tuple
    record = {
        "gene_symbol": "BRCA1NEW",
        "gene_name": "renamed",
        "hgnc_symbol": "BRCA1NEW",
        "hgnc_id": "HGNC:1100",
        "biotype": "protein_coding",
        "alias": [],
        "alias_name": None,
        "omim_gene": ["113705"],
        "ensembl_genes": {"GRch38": {"90": {"ensembl_id": "ENSG00000012048", "location": "17:43044295-43125483"}}},
        "hgnc_date_symbol_changed": "2024-01-02",
        "hgnc_release": "03/01/24",
    }
    payload = {
        "insert": [{**record, "gene_symbol": "NEWGENE1", "hgnc_symbol": "NEWGENE1"}],
        "update_symbol": [[record, "BRCA1"]],
        "delete": ["TP53"],
    }
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/panels/upload/genes/", {"genes-file": SimpleUploadedFile("genes.json", json.dumps(payload).encode())}
        )
    snapshot.refresh_from_db()
    assert snapshot.version_tuple == before.next_minor()
    entity = GenePanelEntrySnapshot.objects.get(panel=snapshot)
    assert entity.gene_core_id == "BRCA1NEW" and entity.gene["gene_name"] == "renamed"
    assert not Gene.objects.get(gene_symbol="BRCA1").active and not Gene.objects.get(gene_symbol="TP53").active
    assert Gene.objects.get(gene_symbol="NEWGENE1").hgnc_release.isoformat() == "2024-01-03"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/panels/upload/genes/",
            {"genes-file": SimpleUploadedFile("genes.json", b'{"insert": [{"gene_name": "x"}]}')},
        )
    page = client.get(response["Location"]).content.decode()
    assert "insert[0]" in page and "needs a gene symbol" in page
