"""A panel's entities as plain rows, for the reads that must be fast without the cache.

Building the detail of a 1,000-gene panel from model instances spends most of its time in the
ORM (an instance and four JSON conversions per entity), not in PostgreSQL. These rows are read
with the ORM's own SQL, but executed on a plain cursor: no instances, no converters. Each row
carries the attributes the JSON builders in ``panels.representation`` and the panel page read,
with the same values the model would give, so the same builders serve both.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connections

from .models import STR, GenePanelEntrySnapshot, GenePanelSnapshot, Region
from .models.entities import Coordinates, EntityModel
from .selectors.entities import ENTITY_MODELS_IN_ORDER

_COMMON = (
    "id",
    "panel_id",
    "gene",
    "penetrance",
    "mode_of_pathogenicity",
    "publications",
    "phenotypes",
    "moi",
    "saved_gel_status",
    "flagged",
    "ready",
)
_LOCATED = ("name", "chromosome", "position_37_start", "position_37_end", "position_38_start", "position_38_end")
FIELDS = {
    GenePanelEntrySnapshot: _COMMON + ("gene_core_id", "transcript"),
    STR: _COMMON + _LOCATED + ("repeated_sequence", "normal_repeats", "pathogenic_repeats"),
    Region: _COMMON
    + _LOCATED
    + (
        "verbose_name",
        "haploinsufficiency_score",
        "triplosensitivity_score",
        "required_overlap_percentage",
        "type_of_variants",
    ),
}
JSON_FIELDS = {"gene", "publications", "phenotypes", "transcript"}


class EntityRow(Coordinates):
    """One entity, as the read paths see it (``model`` says which kind)."""

    # The columns every kind has (``_COMMON``); the others are set from ``values`` as they come.
    id: int
    panel_id: int
    gene: Any
    penetrance: str | None
    mode_of_pathogenicity: str | None
    publications: list[str] | None
    phenotypes: list[str] | None
    moi: str | None
    saved_gel_status: int | None
    flagged: bool
    ready: bool
    panel: GenePanelSnapshot | None

    def __init__(self, model: EntityModel, values: dict[str, Any]):
        self.model = model
        self.entity_type = model.entity_type
        self.__dict__.update(values)
        self.evidence_names: list[str] = []
        self.tag_names: list[str] = []
        self.panel = None  # set for super panels: the child snapshot the entity belongs to

    @property
    def pk(self) -> int:
        return self.id

    @property
    def name(self) -> str:
        name: str = self.__dict__["gene_core_id" if self.model is GenePanelEntrySnapshot else "name"]
        return name


def raw_values(queryset, fields: tuple[str, ...]) -> list[tuple]:
    """``queryset.values_list(*fields)`` executed on a plain cursor (JSON columns stay text)."""
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _decoded(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


#: How ``entity_rows`` hands over each entity's gene copy (``gene``): decoded, as the stored JSON
#: text (``RawJSON``, for answers written as bytes: decoding and encoding a thousand copies costs
#: more than the rest of the answer), or not at all (pages that do not show it).
GENE_DECODED, GENE_RAW, GENE_NONE = "decoded", "raw", "none"


class RawJSON(str):
    """JSON text to be written into an answer as it is (see ``representation.panel_detail_json``)."""


def entity_rows(model, snapshot_ids: list[int], *, gene: str = GENE_DECODED, lists: bool = True) -> list[EntityRow]:
    """Every entity of ``model`` on these panels, with source names (newest first) and tag names:
    three queries, whatever the number of entities. Without ``lists`` the rows have no
    ``publications``, ``phenotypes`` or ``transcript`` (the panel page's tables show none, and
    decoding them cost a third of the page)."""
    skipped = ({"gene"} if gene == GENE_NONE else set()) | (
        set() if lists else {"publications", "phenotypes", "transcript"}
    )
    fields = tuple(f for f in FIELDS[model] if f not in skipped)
    json_fields = [f for f in fields if f in JSON_FIELDS and not (f == "gene" and gene == GENE_RAW)]
    rows = {}
    for values in raw_values(model.objects.filter(panel_id__in=snapshot_ids), fields):
        data = dict(zip(fields, values, strict=True))
        for key in json_fields:
            data[key] = _decoded(data[key])
        if gene == GENE_NONE:
            data["gene"] = None
        elif gene == GENE_RAW and data["gene"] is not None:
            text = data["gene"]
            data["gene"] = RawJSON(text if isinstance(text, str) else json.dumps(text))
        data["flagged"], data["ready"] = bool(data["flagged"]), bool(data["ready"])
        rows[data["id"]] = EntityRow(model, data)
    if not rows:
        return []
    name = model._meta.model_name
    column = f"{name}_id"
    evidence = model.evidence.through._default_manager.filter(**{f"{name}__panel_id__in": snapshot_ids}).order_by(
        "-evidence__created", "-evidence_id"
    )
    for entity_id, source in raw_values(evidence, (column, "evidence__name")):
        rows[entity_id].evidence_names.append(source)
    tags = model.tags.through._default_manager.filter(**{f"{name}__panel_id__in": snapshot_ids}).order_by("tag__name")
    for entity_id, tag in raw_values(tags, (column, "tag__name")):
        rows[entity_id].tag_names.append(tag)
    return list(rows.values())


Rows = tuple[list[EntityRow], list[EntityRow], list[EntityRow]]


def panel_entity_rows(snapshot: GenePanelSnapshot, *, gene: str = GENE_DECODED, lists: bool = True) -> Rows:
    """``(genes, strs, regions)`` of a panel; a super panel's come from its children, each row
    carrying its child snapshot (with panel, title and types) as ``panel``."""
    if not snapshot.is_super_panel():
        ids = [snapshot.pk]
        genes, strs, regions = (entity_rows(model, ids, gene=gene, lists=lists) for model in ENTITY_MODELS_IN_ORDER)
        return genes, strs, regions
    children = {c.pk: c for c in GenePanelSnapshot.objects.with_panel().filter(parent_panels=snapshot)}
    genes, strs, regions = (
        entity_rows(model, list(children), gene=gene, lists=lists) for model in ENTITY_MODELS_IN_ORDER
    )
    for rows in (genes, strs, regions):
        for row in rows:
            row.panel = children[row.panel_id]
    return genes, strs, regions
