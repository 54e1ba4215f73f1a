"""``load_genes`` reads PanelApp's own gene fixture (reference §6.1), placeholder rows included."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from panels.models import Gene

from . import gene_fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_fixture_format_loads_with_its_placeholder_rows_skipped_and_counted(tmp_path):
    path = gene_fixture.write(tmp_path / "genes.json.gz", total=301, active=250)
    out = io.StringIO()
    call_command("load_genes", str(path), stdout=out)
    assert "300 new, 0 updated, 1 placeholder record without a gene symbol skipped" in out.getvalue()
    assert Gene.objects.count() == 300 and Gene.objects.active().count() == 250
    assert not Gene.objects.filter(gene_symbol="").exists()
    withdrawn = Gene.objects.get(gene_symbol="OLD00260~withdrawn")
    assert not withdrawn.active and withdrawn.ensembl_genes == {} and withdrawn.omim_gene == []
    # gene_data: pk first, then the fields in the file's order without active; arrays decoded,
    # nulls kept.
    assert list(withdrawn.gene_data) == [
        "gene_symbol",
        *[k for k in gene_fixture.record(260, False)["fields"] if k != "active"],
    ]
    assert withdrawn.gene_data["omim_gene"] is None and withdrawn.gene_data["ensembl_genes"] == {}
    active = Gene.objects.get(gene_symbol="GENE00007")
    assert active.gene_data["omim_gene"] == ["600007"] and active.gene_data["alias"] == ["AL7"]
    assert active.ensembl_id("GRch38") == "ENSG00000000007"


def test_loading_the_same_file_again_changes_nothing_and_a_changed_gene_is_updated(tmp_path):
    records = gene_fixture.records(total=21, active=20)
    path = tmp_path / "genes.json"
    path.write_text(json.dumps(records))
    call_command("load_genes", str(path), stdout=io.StringIO())
    before = {g.gene_symbol: g.gene_data for g in Gene.objects.all()}
    call_command("load_genes", str(path), stdout=io.StringIO())
    assert {g.gene_symbol: g.gene_data for g in Gene.objects.all()} == before
    records[0]["fields"]["gene_name"] = "renamed"
    path.write_text(json.dumps(records))
    call_command("load_genes", str(path), stdout=io.StringIO())
    changed = Gene.objects.get(gene_symbol="GENE00000")
    assert changed.gene_name == "renamed" and changed.gene_data["gene_name"] == "renamed"


def test_a_file_of_only_placeholders_loads_nothing_and_says_so(tmp_path):
    path = tmp_path / "genes.json"
    path.write_text(json.dumps([gene_fixture.PLACEHOLDER, gene_fixture.PLACEHOLDER]))
    out = io.StringIO()
    call_command("load_genes", str(path), stdout=out)
    assert "0 new, 0 updated, 2 placeholder records without a gene symbol skipped" in out.getvalue()
    assert Gene.objects.count() == 0
