"""The panel page's entity tables: plain rows, read only when the page's cached fragment is missing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.db.models import Count
from django.utils.functional import cached_property

from ..entity_rows import GENE_NONE, panel_entity_rows
from ..models import STR, GenePanelEntrySnapshot, GenePanelSnapshot, Region
from ..models.entities import EntityModel
from ..vocab import gel_status_colour, gel_status_label
from .panels import snapshot_ids_for_entities

Row = dict[str, Any]


def review_counts(model: EntityModel, snapshot_ids: list[int]) -> dict[int, int]:
    """Reviews per entity of these panels (by panel, not by a list of a thousand entity ids)."""
    column = f"{model._meta.model_name}_id"
    rows = (
        model.evaluation.through.objects.filter(**{f"{model._meta.model_name}__panel_id__in": snapshot_ids})
        .values(column)
        .annotate(n=Count("id"))
        .values_list(column, "n")
    )
    return dict(rows)


def entity_path(panel_id: int, entity_type: str, name: str) -> str:
    """``/panels/<id>/<type>/<name>/`` without a reverse() per row (thousands per page)."""
    return f"/panels/{panel_id}/{entity_type}/{quote(name, safe='')}/"


def entity_tables(snapshot: GenePanelSnapshot, super_panel: bool) -> dict[str, list[Row]]:
    """Plain rows for the panel page's tables, in a fixed number of queries (entity_rows: no model
    instances, which would cost more than the rest of the page)."""
    ids = snapshot_ids_for_entities(snapshot)
    tables = {}
    entities_of = dict(
        zip(("genes", "strs", "regions"), panel_entity_rows(snapshot, gene=GENE_NONE, lists=False), strict=True)
    )
    models: tuple[tuple[str, EntityModel], ...] = (
        ("genes", GenePanelEntrySnapshot),
        ("strs", STR),
        ("regions", Region),
    )
    for key, model in models:
        entities = entities_of[key]
        reviews = review_counts(model, ids)
        rows: list[Row] = []
        kind = "gene" if key == "genes" else key[:-1]
        for entity in entities:
            status = entity.saved_gel_status or 0
            holder = entity.panel or snapshot  # a super panel's rows carry their child panel
            panel_id = holder.panel_id
            rows.append(
                {
                    "name": entity.name,
                    "type": kind,
                    "url": entity_path(panel_id, kind, entity.name),
                    "status": status,
                    "colour": gel_status_colour(status, entity.flagged),
                    "label": gel_status_label(status, entity.flagged),
                    "ready": entity.ready,
                    "moi": entity.moi,
                    "sources": entity.evidence_names,
                    "tags": entity.tag_names,
                    "reviews": reviews.get(entity.pk, 0),
                    "panel_id": panel_id,
                    "panel_name": holder.level4title.name if super_panel else None,
                    "location": getattr(entity, "chromosome", None),
                    "flagged": entity.flagged,
                }
            )
        rows.sort(key=lambda r: (1 if r["flagged"] else -min(r["status"], 3), r["name"].lower()))
        tables[key] = rows
    return tables


class PanelTables:
    """The panel page's entity tables, built only if the template's cached fragment is missing."""

    def __init__(self, snapshot: GenePanelSnapshot, super_panel: bool):
        self.snapshot, self.super_panel = snapshot, super_panel

    @cached_property
    def rows(self) -> dict[str, list[Row]]:
        return entity_tables(self.snapshot, self.super_panel)

    @cached_property
    def counts(self) -> dict[str, dict[str, int]]:
        return {key: _counts(rows) for key, rows in self.rows.items()}


def _counts(rows: list[Row]) -> dict[str, int]:
    return {
        "total": len(rows),
        "green": sum(1 for r in rows if r["colour"] == "green"),
        "amber": sum(1 for r in rows if r["colour"] == "amber"),
        "red": sum(1 for r in rows if r["colour"] == "red"),
        "grey": sum(1 for r in rows if r["colour"] == "grey"),
        "reviewed": sum(1 for r in rows if r["reviews"]),
        "ready": sum(1 for r in rows if r["ready"]),
    }
