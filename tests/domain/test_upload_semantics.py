"""Panel TSV upload semantics as PanelApp's upload (issue 12): several expert reviews on one row,
and the Flagged column."""

from __future__ import annotations

import pytest

from panels.imports.panel_tsv import import_panel_tsv
from panels.services.entities import EntityFields, add_entity, get_entity

from .uploads_helpers import gene_row, panel_tsv

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _sources(snapshot, symbol):
    entity = get_entity(snapshot, "gene", symbol)
    return entity, [e.name for e in entity.evidence.order_by("created", "id")]


def test_several_expert_reviews_on_one_row_are_all_kept_and_the_last_rates(make_panel, curator):
    snapshot = make_panel("Upload rules", genes=[])
    rows = [
        gene_row("BRCA1", "Upload rules", sources="Expert Review Red;Expert Review Green;Literature"),
        gene_row("TP53", "Upload rules", sources="Expert Review Green;Expert Review Red"),
    ]
    import_panel_tsv(panel_tsv(rows), curator)
    brca1, names = _sources(snapshot, "BRCA1")
    assert names == ["Expert Review Red", "Expert Review Green", "Literature"]
    assert brca1.saved_gel_status == 3
    tp53, names = _sources(snapshot, "TP53")
    assert names == ["Expert Review Green", "Expert Review Red"] and tp53.saved_gel_status == 1


def test_a_row_with_new_expert_reviews_replaces_the_entitys_earlier_ones(make_panel, curator):
    snapshot = make_panel("Upload rules", genes=["BRCA1"], sources=("Expert Review Amber", "Literature"))
    import_panel_tsv(
        panel_tsv([gene_row("BRCA1", "Upload rules", sources="Expert Review Green;Expert Review Red;UKGTN")]), curator
    )
    brca1, names = _sources(snapshot, "BRCA1")
    assert names == ["Literature", "Expert Review Green", "Expert Review Red", "UKGTN"]
    assert brca1.saved_gel_status == 1
    # A row naming only sources the entity has changes nothing.
    import_panel_tsv(panel_tsv([gene_row("BRCA1", "Upload rules", sources="Expert Review Green")]), curator)
    assert _sources(snapshot, "BRCA1")[1] == names


def test_the_flagged_column_flags_or_approves_entities_already_on_the_panel(make_panel, curator, reviewer):
    snapshot = make_panel("Upload rules", genes=["BRCA1"])
    add_entity(snapshot, reviewer, "gene", EntityFields(gene_symbol="TP53", sources=["Literature"]))
    suggested = get_entity(snapshot, "gene", "TP53")
    assert suggested.flagged and suggested.saved_gel_status == 0
    rows = [
        gene_row("BRCA1", "Upload rules", Flagged="True"),
        gene_row("TP53", "Upload rules", Flagged="False"),  # and a curator's expert review: green
        gene_row("APC", "Upload rules", Flagged="True"),  # new: a curator's entity is never flagged
    ]
    import_panel_tsv(panel_tsv(rows), curator)
    brca1, tp53, apc = (get_entity(snapshot, "gene", s) for s in ("BRCA1", "TP53", "APC"))
    assert brca1.flagged and brca1.saved_gel_status == 0
    assert not tp53.flagged and tp53.saved_gel_status == 3
    assert not apc.flagged and apc.saved_gel_status == 3
    import_panel_tsv(panel_tsv([gene_row("BRCA1", "Upload rules", Flagged="False")]), curator)
    brca1 = get_entity(snapshot, "gene", "BRCA1")
    assert not brca1.flagged and brca1.saved_gel_status == 3


def test_genes_added_by_upload_without_a_mode_of_pathogenicity_answer_null(api, make_panel, curator):
    snapshot = make_panel("Upload rules", genes=[])
    import_panel_tsv(panel_tsv([gene_row("BRCA1", "Upload rules")]), curator)
    [gene] = api.json(f"panels/{snapshot.panel_id}/genes/")["results"]
    assert gene["mode_of_pathogenicity"] is None
