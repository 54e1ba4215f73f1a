"""Uploads that cannot be read end ``failed`` with a reason and an email, never pending for ever
and never an error page (security review F11); compressed gene files are read, within a limit."""

from __future__ import annotations

import gzip
import json

import pytest
from celery.exceptions import Retry
from django.core.files.uploadedfile import SimpleUploadedFile

from panels.models import Gene, GenePanelEntrySnapshot, UploadedGeneList, UploadedPanelList
from panels.services import importing
from panels.tasks import import_upload

from .uploads_helpers import gene_row, panel_tsv

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def upload(client, kind: str, name: str, content: bytes, capture):
    with capture(execute=True):
        response = client.post(f"/panels/upload/{kind}/", {f"{kind}-file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"])


def reasons(upload_row) -> list[str]:
    return [problem["reason"] for problem in upload_row.errors]


def test_a_nul_character_in_a_panel_tsv_is_rejected_with_its_line(
    client, make_panel, curator, django_capture_on_commit_callbacks, mailoutbox
):
    make_panel("Test Panel", genes=[])
    client.force_login(curator)
    content = panel_tsv(
        [gene_row("A1CF", "Test Panel"), gene_row("ABCC5", "Test Panel", Phenotypes="Breast\x00cancer")]
    )
    page = upload(client, "panel", "nul.tsv", content, django_capture_on_commit_callbacks)
    row = UploadedPanelList.objects.get()
    assert row.status == "failed"
    assert [(p["line"], "NUL character" in p["reason"]) for p in row.errors] == [(3, True)]
    assert "NUL character" in page.content.decode()
    assert not GenePanelEntrySnapshot.objects.exists()
    assert mailoutbox[-1].subject == "Error importing panel list"


def test_gene_json_nested_too_deeply_is_rejected_not_an_error_page(
    client, curator, genes, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(curator)
    page = upload(client, "genes", "deep.json", b"[" * 100_000 + b"]" * 100_000, django_capture_on_commit_callbacks)
    assert page.status_code == 200
    row = UploadedGeneList.objects.get()
    assert row.status == "failed"
    assert any("nested too deeply" in reason for reason in reasons(row))
    assert mailoutbox[-1].to == [curator.email]


def test_a_nul_escape_in_gene_json_is_rejected(client, curator, genes, django_capture_on_commit_callbacks):
    client.force_login(curator)
    payload = json.dumps({"insert": [{"gene_symbol": "NULGENE", "gene_name": "a\u0000b"}]}).encode()
    upload(client, "genes", "nul.json", payload, django_capture_on_commit_callbacks)
    assert UploadedGeneList.objects.get().status == "failed"
    assert not Gene.objects.filter(gene_symbol="NULGENE").exists()


def test_gzipped_gene_json_is_imported_and_a_gzip_bomb_refused(
    client, curator, genes, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(curator)
    record = {
        "gene_symbol": "GZGENE1",
        "gene_name": "compressed",
        "hgnc_symbol": "GZGENE1",
        "ensembl_genes": {"GRch38": {"90": {"ensembl_id": "ENSG00000999999", "location": "1:1-2"}}},
    }
    upload(
        client,
        "genes",
        "genes.json.gz",
        gzip.compress(json.dumps({"insert": [record]}).encode()),
        django_capture_on_commit_callbacks,
    )
    assert UploadedGeneList.objects.get().status == "imported"
    assert Gene.objects.get(gene_symbol="GZGENE1").gene_name == "compressed"

    monkeypatch.setattr("panels.imports.common.MAX_DECOMPRESSED_BYTES", 1024 * 1024)
    bomb = gzip.compress(b'{"insert": [' + b" " * (3 * 1024 * 1024) + b"]}")
    upload(client, "genes", "bomb.json.gz", bomb, django_capture_on_commit_callbacks)
    refused = UploadedGeneList.objects.order_by("-id").first()
    assert refused.status == "failed"
    assert any("when decompressed" in reason for reason in reasons(refused))

    upload(client, "genes", "broken.json.gz", gzip.compress(b'{"insert": []}')[:-6], django_capture_on_commit_callbacks)
    broken = UploadedGeneList.objects.order_by("-id").first()
    assert broken.status == "failed" and any("gzip" in reason for reason in reasons(broken))


def test_any_other_error_ends_the_upload_failed_with_a_reason_and_an_email(
    client, make_panel, curator, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    def explode(source, user):
        raise ValueError("something the importer did not foresee")

    monkeypatch.setitem(importing.IMPORTERS, "panel", explode)
    client.force_login(curator)
    page = upload(
        client, "panel", "p.tsv", panel_tsv([gene_row("A1CF", "Test Panel")]), django_capture_on_commit_callbacks
    )
    row = UploadedPanelList.objects.get()
    assert row.status == "failed"
    assert "could not be imported" in reasons(row)[0]
    assert "did not foresee" not in page.content.decode()  # no internals shown
    assert mailoutbox[-1].subject == "Error importing panel list"


def test_storage_trouble_is_retried_and_when_retries_are_spent_the_upload_fails(
    client, curator, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(curator)
    upload(client, "panel", "p.tsv", panel_tsv([gene_row("A1CF", "No panel")]), django_capture_on_commit_callbacks)
    row = UploadedPanelList.objects.get()
    row.status = "pending"
    row.save()

    def unavailable(kind, pk):
        raise OSError("bucket unreachable")

    monkeypatch.setattr(importing, "run_import", unavailable)
    with pytest.raises(Retry):
        import_upload.apply(args=("panel", row.pk), retries=0, throw=True)
    row.refresh_from_db()
    assert row.status == "pending"  # a retry is still due

    assert import_upload.apply(args=("panel", row.pk), retries=import_upload.max_retries).get() == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and "unavailable" in reasons(row)[0]
    assert mailoutbox[-1].subject == "Error importing panel list"
