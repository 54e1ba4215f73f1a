"""One scenario of exact API data, built and read the same way on PostgreSQL (the test process)
and on SQLite (``sqlite_exact.py``, the embedded default), so the two can be compared.

A gene imported from a record with its own key order, nulls and strings as written, on a panel
with two types given out of name order, promoted and signed off at 1.10, with an STR and a region
that never had a mode of pathogenicity.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

#: The keys of API v1's Panel object, in PanelApp's order (a compatibility contract: spelled here,
#: not read from the app, so that a change to the app cannot change what the tests expect).
PANEL_KEYS = [
    "id",
    "hash_id",
    "name",
    "disease_group",
    "disease_sub_group",
    "description",
    "status",
    "version",
    "version_created",
    "relevant_disorders",
    "stats",
    "types",
    "child_panel_ids",
]

#: A gene record as a gene file gives it: keys in no usual order, nulls, a release with a time, a
#: date in one of PanelApp's other formats, nested keys in their own order, an extra key.
RECORD: dict[str, Any] = {
    "hgnc_id": "HGNC:99901",
    "gene_symbol": "ZZORDER1",
    "alias_name": None,
    "omim_gene": None,
    "hgnc_release": "2017-11-03T00:00:00",
    "hgnc_date_symbol_changed": "03/11/17",
    "gene_name": "key order test gene",
    "ensembl_genes": {
        "GRch38": {"90": {"location": "1:100-200", "ensembl_id": "ENSG00000999901"}},
        "GRch37": {"82": {"location": "1:110-210", "ensembl_id": "ENSG00000999901"}},
    },
    "alias": ["ZZO1"],
    "biotype": "protein_coding",
    "hgnc_symbol": "ZZORDER1",
    "location": "1p36",
}
TYPES_IN_PANEL_ORDER = ["reference", "actionable"]
FILLER_GENES = ["BRCA1", "TP53", "APC", "BRCA2", "MLH1", "MSH2", "PTEN", "ATM", "CHEK2"]


def build(curator) -> int:
    """The scenario's panel (version 1.11, signed off at 1.10); returns its id."""
    from panels.imports.gene_records import upsert_genes
    from panels.services.entities import EntityFields, add_entity
    from panels.services.panels import PanelFields, create_panel, promote, update_panel

    from .conftest import add_region, add_str

    upsert_genes([RECORD])
    snapshot = create_panel(
        curator, PanelFields(name="Exact data", status="public", type_slugs=TYPES_IN_PANEL_ORDER, description="Why")
    )
    add_entity(snapshot, curator, "gene", EntityFields(gene_symbol="ZZORDER1", sources=["Expert Review Green"]))
    add_str(snapshot, curator)
    add_region(snapshot, curator)
    snapshot = promote(snapshot, curator, "First release")  # 1.0
    for symbol in FILLER_GENES:  # 1.1 ... 1.9
        add_entity(snapshot, curator, "gene", EntityFields(gene_symbol=symbol, sources=["Literature"]))
    add_entity(snapshot, curator, "gene", EntityFields(gene_symbol="PALB2", sources=["Literature"]))  # 1.10
    snapshot.refresh_from_db()
    fields = PanelFields.from_snapshot(snapshot)
    fields.signed_off_version, fields.signed_off_date = "1.10", dt.date(2024, 3, 1)
    update_panel(snapshot, curator, fields)
    return snapshot.panel_id


def urls(panel_id: int) -> dict[str, str]:
    return {
        "detail": f"/api/v1/panels/{panel_id}/",
        "historical": f"/api/v1/panels/{panel_id}/?version=1.9",
        "historical_genes": f"/api/v1/panels/{panel_id}/genes/?version=1.9&entity_name=ZZORDER1",
        "panel_genes": f"/api/v1/panels/{panel_id}/genes/?entity_name=ZZORDER1",
        "panel_strs": f"/api/v1/panels/{panel_id}/strs/",
        "panel_regions": f"/api/v1/panels/{panel_id}/regions/",
        "gene_search": "/api/v1/genes/ZZORDER1/",
        "gene_by_hgnc": "/api/v1/genes/HGNC:99901/",
        "panels": "/api/v1/panels/?name=Exact data",
        "signed_off": f"/api/v1/panels/signedoff/?panel_id={panel_id}",
        "signed_off_all": f"/api/v1/panels/signedoff/?panel_id={panel_id}&display=all",
        "signed_off_detail": f"/api/v1/panels/signedoff/{panel_id}/",
    }


def answers(client, panel_id: int) -> dict[str, str]:
    """Each answer's body as text (status checked)."""
    texts = {}
    for name, url in urls(panel_id).items():
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        texts[name] = response.content.decode()
    return texts


class Pairs(list):
    """A JSON object as its list of ``[key, value]`` pairs, in the order written."""


def ordered(text: str) -> Any:
    """JSON with every object as its ``Pairs``: key order is compared too."""
    return json.loads(text, object_pairs_hook=lambda pairs: Pairs([key, value] for key, value in pairs))


def keys(value: Pairs) -> list[str]:
    return [key for key, _ in value]


def get(value: Pairs, key: str) -> Any:
    [found] = [v for k, v in value if k == key]
    return found


#: Values that differ between two databases for the same scenario: ids, times, links.
VOLATILE = {"id", "version_created", "created", "child_panel_ids", "next", "previous"}


def comparable(text: str) -> Any:
    """``ordered`` as plain lists, with the volatile values blanked (JSON-ready)."""

    def blank(value: Any) -> Any:
        if isinstance(value, Pairs):
            return [["{}", key, "*" if key in VOLATILE else blank(item)] for key, item in value]
        if isinstance(value, list):
            return [blank(item) for item in value]
        return value

    return blank(ordered(text))
