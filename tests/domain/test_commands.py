"""Management commands: load_genes and load_demo_data."""

import gzip
import json

import pytest
from django.core.management import CommandError, call_command

from panels.imports.gene_records import SAMPLE_GENES_FILE
from panels.models import Gene, GenePanel, GenePanelSnapshot, HistoricalSnapshot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_load_genes_reads_the_panelapp_fixture_json_and_gz(tmp_path, capsys):
    call_command("load_genes", str(SAMPLE_GENES_FILE))
    assert "new" in capsys.readouterr().out
    assert Gene.objects.count() == 85 and Gene.objects.active().count() == 84
    brca1 = Gene.objects.get(gene_symbol="BRCA1")
    assert brca1.omim_gene == ["113705"] and brca1.ensembl_id("GRch37") == "ENSG00000012048"
    gz = tmp_path / "genes.json.gz"
    records = json.loads(SAMPLE_GENES_FILE.read_text())
    records[0]["fields"]["gene_name"] = "changed name"
    gz.write_bytes(gzip.compress(json.dumps(records).encode()))
    call_command("load_genes", str(gz))
    assert Gene.objects.count() == 85
    assert Gene.objects.get(gene_symbol=records[0]["pk"]).gene_name == "changed name"


def test_load_genes_reports_bad_files(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_genes", str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="not a JSON gene file"):
        call_command("load_genes", str(bad))
    bad.write_text('[{"pk": "ABC1", "fields": "not an object"}]')
    with pytest.raises(CommandError, match="fields must be a JSON object"):
        call_command("load_genes", str(bad))


def test_load_demo_data_is_idempotent_and_prints_the_logins(capsys, client):
    call_command("load_demo_data")
    first = capsys.readouterr().out
    assert "username curator  password curator-demo" in first and "username reviewer  password reviewer-demo" in first
    panels, versions = GenePanel.objects.count(), HistoricalSnapshot.objects.count()
    assert panels >= 8 and versions > panels
    breast = GenePanelSnapshot.objects.get(panel__name="Familial breast and ovarian cancer")
    assert breast.major_version == 1 and breast.panel.signed_off is not None
    assert GenePanelSnapshot.objects.filter(child_panels__isnull=False).exists()
    call_command("load_demo_data")
    assert "already present" in capsys.readouterr().out
    assert (GenePanel.objects.count(), HistoricalSnapshot.objects.count()) == (panels, versions)
    assert client.login(username="curator", password="curator-demo")
    body = client.get("/api/v1/panels/signedoff/").json()
    assert body["count"] == 1


def test_load_genes_reads_an_s3_object(monkeypatch, settings):
    """The operator's load-genes task passes s3://bucket/key; the media storage's endpoint and
    credentials reach it."""
    import boto3
    from moto import mock_aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-2")
        s3.create_bucket(Bucket="genes-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        s3.put_object(
            Bucket="genes-bucket", Key="deploy/genes.json.gz", Body=gzip.compress(SAMPLE_GENES_FILE.read_bytes())
        )
        settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": {}}}
        call_command("load_genes", "s3://genes-bucket/deploy/genes.json.gz")
        assert Gene.objects.count() == 85
        with pytest.raises(CommandError, match="cannot be read"):
            call_command("load_genes", "s3://genes-bucket/missing.json")
    with pytest.raises(CommandError, match="expected s3://bucket/key"):
        call_command("load_genes", "s3://only-a-bucket")


def test_panels_reset_stats_recomputes_stored_counters(make_panel, capsys):
    snapshot = make_panel("Stats panel", genes=["BRCA1", "BRCA2"])
    expected = snapshot.stats
    assert expected["number_of_genes"] == 2
    GenePanelSnapshot.objects.filter(pk=snapshot.pk).update(stats={})
    call_command("panels_reset_stats")
    snapshot.refresh_from_db()
    assert snapshot.stats == expected
    assert "Stats recomputed for" in capsys.readouterr().out


def test_createsuperuser_without_input_reads_the_task_s_variables(monkeypatch):
    """What the create-superuser task runs: credentials only in the environment."""
    from accounts.models import User

    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root-admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.org")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long and unguessable passphrase")
    call_command("createsuperuser", interactive=False)
    admin = User.objects.get(username="root-admin")
    assert admin.is_superuser and admin.check_password("a long and unguessable passphrase")
