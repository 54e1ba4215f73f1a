"""The curators' whole-database downloads (/panels/download_genes/, _strs/, _regions/, _panel/):
PanelApp's columns, every panel but deleted ones, streamed in a fixed number of queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panels.bulk_exports import GENE_HEADER, PANEL_HEADER, REGION_HEADER, STR_HEADER
from panels.models import Gene
from panels.services.entities import EntityFields, add_entity, get_entity, set_tags
from panels.services.panels import set_status
from panels.services.reviews import ReviewFields, submit_review

from .conftest import add_region, add_str, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def download(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        assert response.streaming, "bulk downloads are streamed"
        body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"] == "text/tab-separated-values"
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", ""), "PanelApp's line ends"
    table = list(csv.reader(io.StringIO(body, newline=""), delimiter="\t"))
    return response, table, len(captured.captured_queries)


def as_dicts(table, header):
    assert tuple(table[0]) == header
    return [dict(zip(header, row, strict=True)) for row in table[1:]]


@pytest.fixture
def database(make_panel, curator, reviewer):
    first = make_panel(
        "Cardiac arrhythmia", genes=["BRCA1", "TP53"], relevant_disorders=["R45"], type_slugs=["rare-disease-100k"]
    )
    add_entity(first, curator, "gene", EntityFields(gene_symbol="ATM", sources=["Expert Review Amber", "Literature"]))
    add_entity(first, reviewer, "gene", EntityFields(gene_symbol="APC", sources=["Literature"]))  # flagged: grey
    set_tags(first, get_entity(first, "gene", "BRCA1"), curator, ["watchlist", "adult-onset"])
    submit_review(first, get_entity(first, "gene", "BRCA1"), reviewer, ReviewFields(rating="GREEN"))
    add_str(first, curator)
    add_region(first, curator)
    internal = make_panel("Work in progress", status="internal", genes=["BRCA1"])
    gone = make_panel("Deleted panel", genes=["PALB2"])
    set_status(gone, curator, "deleted")
    first.refresh_from_db()
    internal.refresh_from_db()
    return first, internal


def test_all_genes_has_panelapps_columns_and_every_panel_but_deleted(client, curator, database):
    first, internal = database
    client.force_login(curator)
    response, table, _ = download(client, "/panels/download_genes/")
    assert response["Content-Disposition"].startswith("attachment; filename=All_genes_")
    rows = as_dicts(table, GENE_HEADER)
    assert [(r["Panel Name"], r["Symbol"], r["List"]) for r in rows] == [
        ("Cardiac arrhythmia", "BRCA1", "green"),
        ("Cardiac arrhythmia", "TP53", "green"),
        ("Cardiac arrhythmia", "ATM", "amber"),
        ("Cardiac arrhythmia", "APC", "grey"),
        ("Work in progress", "BRCA1", "green"),
    ]
    brca1 = rows[0]
    gene = Gene.objects.get(pk="BRCA1")
    assert brca1["Panel Id"] == str(first.panel_id) and brca1["Panel Version"] == first.version
    assert brca1["Panel Status"] == "PUBLIC" and rows[-1]["Panel Status"] == "INTERNAL"
    assert brca1["Tags"] == "adult-onset;watchlist" and brca1["Sources"] == "Expert Review Green"
    assert rows[2]["Sources"] == "Literature;Expert Review Amber"  # newest first
    assert brca1["HGNC"] == gene.hgnc_id and brca1["Biotype"] == (gene.biotype or "")
    assert brca1["Mode of inheritance"].startswith("MONOALLELIC")
    releases = gene.ensembl_genes
    assert brca1["EnsemblId(GRch38)"] == releases.get("GRch38", {}).get("90", {}).get("ensembl_id", "-")
    assert brca1["GeneLocation((GRch37)"] == releases.get("GRch37", {}).get("82", {}).get("location", "-")
    assert brca1["Phenotypes"] == ""


def test_all_strs_and_regions(client, curator, database):
    client.force_login(curator)
    _, table, _ = download(client, "/panels/download_strs/")
    (htt,) = as_dicts(table, STR_HEADER)
    assert htt["Name"] == "HTT_CAG" and htt["Chromosome"] == "4" and htt["Symbol"] == "HTT"
    assert (htt["Position GRCh38 start"], htt["Position GRCh38 end"]) == ("3074877", "3074933")
    assert (htt["Normal repeats"], htt["Pathogenic repeats"], htt["List"]) == ("35", "40", "green")
    _, table, _ = download(client, "/panels/download_regions/")
    (region,) = as_dicts(table, REGION_HEADER)
    assert region["Name"] == "ISCA-37390-Loss" and region["Variant type"] == "cnv_loss"
    assert region["Position GRCh37 start"] == "" and region["Symbol"] == "-" and region["List"] == "amber"
    assert region["EnsemblId(GRch37)"] == "-" and region["Consequences terms"] == ""


def test_all_panels_lists_reviewers_types_and_disorders(client, curator, reviewer, database):
    first, internal = database
    client.force_login(curator)
    response, table, _ = download(client, "/panels/download_panel/")
    assert response["Content-Disposition"].startswith("attachment; filename=All_panels_")
    rows = as_dicts(table, PANEL_HEADER)
    assert [r["Level 4 title"] for r in rows] == ["Cardiac arrhythmia", "Work in progress"]
    row = rows[0]
    assert row["URL"] == f"http://testserver/panels/{first.panel_id}/"
    assert row["Current Version"] == first.version and row["Status"] == "PUBLIC"
    assert row["# rated genes/total genes"] == "1 of 4 genes reviewed"
    assert row["#reviewers"] == "1" and row["Reviewer emails (;)"] == reviewer.email
    assert row["Reviewer name and affiliation (;)"] == "Reviewer Tester (NHS)"
    assert row["Relevant disorders"] == "R45" and row["Types"] == "Rare Disease 100K"
    assert rows[1]["Status"] == "INTERNAL" and rows[1]["#reviewers"] == "0"


@pytest.mark.parametrize("url", ["/panels/download_genes/", "/panels/download_panel/", "/panels/download_strs/"])
def test_only_curators_download_everything(client, reviewer, url):
    assert client.get(url).status_code == 302  # sent to log in
    client.force_login(reviewer)
    assert client.get(url).status_code == 403


def test_query_count_does_not_grow_with_the_database(client, curator, make_panel):
    symbols = list(Gene.objects.active().order_by("gene_symbol").values_list("gene_symbol", flat=True))
    client.force_login(curator)
    small = make_panel("Small", genes=symbols[:2])
    add_str(small, curator)
    add_region(small, curator)
    submit_review(
        small, get_entity(small, "gene", symbols[0]), make_user("first", "REVIEWER"), ReviewFields(rating="RED")
    )
    counts = {}
    for size in ("small", "large"):
        if size == "large":
            for index in range(3):
                big = make_panel(f"Large {index}", genes=symbols[2 + 20 * index : 22 + 20 * index])
                add_str(big, curator)
                add_region(big, curator)
                for entity in big.genepanelentrysnapshot_set.all():
                    set_tags(big, entity, curator, ["watchlist"])
                    submit_review(big, entity, make_user(f"r{entity.pk}", "REVIEWER"), ReviewFields(rating="GREEN"))
        counts[size] = {
            url: download(client, url)[2]
            for url in (
                "/panels/download_genes/",
                "/panels/download_strs/",
                "/panels/download_regions/",
                "/panels/download_panel/",
            )
        }
    assert counts["small"] == counts["large"], counts
    assert max(counts["large"].values()) <= 8, counts


def test_the_embedded_default_sqlite_gives_the_same_columns(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    from tests.runtime.conftest import command_env

    script = Path(__file__).with_name("sqlite_bulk_downloads.py")
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "state")],
        env=command_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    (atm,) = as_dicts(result["genes"], GENE_HEADER)
    assert atm["Sources"] == "Literature;Expert Review Amber" and atm["Tags"] == "adult-onset;watchlist"
    assert atm["List"] == "amber" and atm["Panel Status"] == "INTERNAL"
    (htt,) = as_dicts(result["strs"], STR_HEADER)
    assert htt["Sources"] == "Expert Review Green" and htt["List"] == "green"
    (region,) = as_dicts(result["regions"], REGION_HEADER)
    assert region["Variant type"] == "cnv_loss"
    (panel,) = as_dicts(result["panel"], PANEL_HEADER)
    assert panel["Level 4 title"] == "Embedded" and panel["# rated genes/total genes"] == "0 of 1 genes reviewed"
