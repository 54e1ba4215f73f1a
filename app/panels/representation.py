"""The public JSON shapes of PanelApp's API v1, built from model instances.

The same functions serve the live API and the frozen ``HistoricalSnapshot.data``, so an old
version reads exactly as the API showed it at the time. Key names, order and value types are a
compatibility contract with existing pipelines (reference §3.3-3.8): change nothing here without
a test that says why.

The builders are plain functions over prefetched objects (see ``panels.selectors``): they run no
queries of their own, which keeps the number of queries per request independent of the page
size and of the number of genes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from . import detail_sql
from .entity_rows import GENE_RAW, panel_entity_rows
from .models import STR, Activity, Comment, Evaluation, GenePanelEntrySnapshot, GenePanelSnapshot, Region
from .models.panels import child_panel_ids, clean_list, panel_types_in_order
from .selectors.entities import ENTITY_MODELS_IN_ORDER

# Only these counters are public; the rest of ``stats`` (reviewer ids...) stays internal.
PUBLIC_STATS_KEYS = ("number_of_genes", "number_of_strs", "number_of_regions")


def format_datetime(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC, always with microseconds and ``Z``: ``2025-11-23T17:04:04.323318Z``."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def panel_dict(snapshot: GenePanelSnapshot) -> dict:
    """The Panel object (list item, and ``panel`` inside entities)."""
    panel = snapshot.panel
    title = snapshot.level4title
    stats = snapshot.stats or {}
    return {
        "id": panel.pk,
        "hash_id": panel.old_pk,
        "name": title.name,
        "disease_group": title.level2title or "",
        "disease_sub_group": title.level3title or "",
        "description": title.description or "",
        "status": panel.status,
        "version": snapshot.version,
        "version_created": format_datetime(snapshot.created),
        "relevant_disorders": clean_list(snapshot.old_panels),
        "stats": {key: stats[key] for key in PUBLIC_STATS_KEYS if key in stats},
        "types": [{"name": t.name, "slug": t.slug, "description": t.description} for t in panel_types_in_order(panel)],
        "child_panel_ids": child_panel_ids(snapshot),
    }


class PanelCache:
    """Builds each panel's dict once per request: many entities share the same panel."""

    def __init__(self) -> None:
        self._cache: dict[int, dict] = {}

    def __call__(self, snapshot: GenePanelSnapshot) -> dict:
        if snapshot.pk not in self._cache:
            self._cache[snapshot.pk] = panel_dict(snapshot)
        return self._cache[snapshot.pk]


def _common_entity_keys(entity) -> dict:
    return {
        "gene_data": entity.gene,
        "entity_type": entity.entity_type.value if hasattr(entity.entity_type, "value") else entity.entity_type,
        "entity_name": entity.name,
        "confidence_level": str(entity.saved_gel_status if entity.saved_gel_status is not None else 0),
        "penetrance": entity.penetrance,
    }


def _evidence_names(entity) -> list[str]:
    """Newest first. Loaded in bulk by ``EntityQuerySet.with_sources_and_tags`` when available."""
    if hasattr(entity, "evidence_names"):
        return list(entity.evidence_names)
    return [ev.name for ev in entity.evidence.all()]


def _tag_names(entity) -> list[str]:
    if hasattr(entity, "tag_names"):
        return list(entity.tag_names)
    return [tag.name for tag in entity.tags.all()]


def _publications(entity):
    return None if entity.publications is None else clean_list(entity.publications)


def gene_entity_dict(entity: GenePanelEntrySnapshot, panel: dict | None = None) -> dict:
    data = _common_entity_keys(entity)
    data.update(
        {
            "mode_of_pathogenicity": entity.mode_of_pathogenicity,
            "publications": _publications(entity),
            "evidence": _evidence_names(entity),
            "phenotypes": clean_list(entity.phenotypes),
            "mode_of_inheritance": entity.moi or "",
            "tags": _tag_names(entity),
        }
    )
    data["transcript"] = entity.transcript
    # After ``transcript``, as PanelApp's API writes it.
    if panel is not None:
        data["panel"] = panel
    return data


def str_entity_dict(entity: STR, panel: dict | None = None) -> dict:
    data = _common_entity_keys(entity)
    data.update(
        {
            "publications": _publications(entity),
            "evidence": _evidence_names(entity),
            "phenotypes": clean_list(entity.phenotypes),
            "mode_of_inheritance": entity.moi or "",
            "repeated_sequence": entity.repeated_sequence,
            "chromosome": entity.chromosome,
            "grch37_coordinates": entity.grch37_coordinates,
            "grch38_coordinates": entity.grch38_coordinates,
            "normal_repeats": entity.normal_repeats,
            "pathogenic_repeats": entity.pathogenic_repeats,
            "tags": _tag_names(entity),
        }
    )
    if panel is not None:
        data["panel"] = panel
    return data


def region_entity_dict(entity: Region, panel: dict | None = None) -> dict:
    common = _common_entity_keys(entity)
    data = {
        "gene_data": common["gene_data"],
        "entity_type": common["entity_type"],
        "entity_name": common["entity_name"],
        "verbose_name": entity.verbose_name,
        "confidence_level": common["confidence_level"],
        "penetrance": common["penetrance"],
        "mode_of_pathogenicity": entity.mode_of_pathogenicity,
        "haploinsufficiency_score": entity.haploinsufficiency_score,
        "triplosensitivity_score": entity.triplosensitivity_score,
        "required_overlap_percentage": entity.required_overlap_percentage,
        "type_of_variants": entity.type_of_variants,
        "publications": _publications(entity),
        "evidence": _evidence_names(entity),
        "phenotypes": clean_list(entity.phenotypes),
        "mode_of_inheritance": entity.moi or "",
        "chromosome": entity.chromosome,
        "grch37_coordinates": entity.grch37_coordinates,
        "grch38_coordinates": entity.grch38_coordinates,
        "tags": _tag_names(entity),
    }
    if panel is not None:
        data["panel"] = panel
    return data


ENTITY_BUILDERS: dict[type, Callable[[Any, dict | None], dict]] = {
    GenePanelEntrySnapshot: gene_entity_dict,
    STR: str_entity_dict,
    Region: region_entity_dict,
}


def entity_dict(entity, panel: dict | None = None) -> dict:
    """A model instance, or an ``entity_rows.EntityRow`` (which names its ``model``)."""
    return ENTITY_BUILDERS[getattr(entity, "model", type(entity))](entity, panel)


def detail_sort_key(entity) -> tuple:
    """Panel detail lists entities by confidence (highest first), then name."""
    return (-(entity.saved_gel_status or 0), entity.name.lower() if entity.name else "", entity.name or "")


def panel_detail_dict(snapshot: GenePanelSnapshot, entities=None, include_entities: bool = True) -> dict:
    """Panel object plus ``genes``, ``strs`` and ``regions``.

    ``entities`` is ``(genes, strs, regions)`` as prefetched by ``panels.selectors.entities.panel_entities``
    (model instances) or read by ``panels.entity_rows.panel_entity_rows`` (plain rows, the default:
    several times faster for large panels); a super panel's entities come from its children and
    carry the child's ``panel`` object.
    """
    data = panel_dict(snapshot)
    if not include_entities:
        return data
    if entities is None:
        entities = panel_entity_rows(snapshot)
    super_panel = snapshot.is_super_panel()
    panels = PanelCache()
    for key, items in zip(("genes", "strs", "regions"), entities, strict=True):
        data[key] = [
            entity_dict(e, panels(e.panel) if super_panel else None) for e in sorted(items, key=detail_sort_key)
        ]
    return data


def panel_detail_json(snapshot: GenePanelSnapshot, include_entities: bool = True) -> bytes:
    """``panel_detail_dict`` as the API writes it (compact UTF-8 JSON), with each entity's gene
    copy written as stored (PostgreSQL's spacing inside ``gene_data``).

    On PostgreSQL the entities' JSON comes from the database (``detail_json_from_sql``); the
    Python builder is kept for SQLite and for the rare panel the SQL does not reproduce. Both write
    the same bytes (tests/domain/test_detail_sql.py).
    """
    if not include_entities:
        return _compact(panel_detail_dict(snapshot, include_entities=False))
    if detail_sql.supported():
        body = detail_json_from_sql(snapshot)
        if body is not None:
            return body
    return detail_json_from_rows(snapshot)


_SPLICE = re.compile(r'"\\u0000(\d+)\\u0000"')


def detail_json_from_rows(snapshot: GenePanelSnapshot) -> bytes:
    """Built in Python from plain rows, without decoding the gene copies: each is first a
    placeholder string holding NUL, which no stored text can (PostgreSQL refuses NUL), then
    swapped for its JSON text in one pass."""
    entities = panel_entity_rows(snapshot, gene=GENE_RAW)
    genes: list[str] = []
    for rows in entities:
        for row in rows:
            if row.gene is not None:
                genes.append(row.gene)
                row.gene = f"\x00{len(genes) - 1}\x00"
    text = _compact(panel_detail_dict(snapshot, entities)).decode()
    return _SPLICE.sub(lambda match: genes[int(match.group(1))], text).encode()


def detail_json_from_sql(snapshot: GenePanelSnapshot) -> bytes | None:
    """Each entity's JSON as PostgreSQL writes or keeps it (``panels.detail_sql``): a query per
    entity kind, and no per-entity work here but the order and the join. ``None`` for a panel
    holding data only the Python builders reproduce."""
    super_panel = snapshot.is_super_panel()
    children: dict[int, str] = {}
    if super_panel:
        for child in GenePanelSnapshot.objects.with_panel().filter(parent_panels=snapshot):
            children[child.pk] = _compact(panel_dict(child)).decode()
    ids = list(children) if super_panel else [snapshot.pk]
    head = _compact(panel_dict(snapshot)).decode()
    parts = [head[:-1]]  # the panel object, still open for the entity lists
    for key, model in zip(("genes", "strs", "regions"), ENTITY_MODELS_IN_ORDER, strict=True):
        entities = detail_sql.entity_json(model, ids)
        if entities is None:
            return None
        entities.sort(key=detail_sort_key)
        if super_panel:
            items = [f'{e.open_json},"panel":{children[e.panel_id]}}}' for e in entities]
        else:
            items = [f"{e.open_json}}}" for e in entities]
        parts.append(f',"{key}":[{",".join(items)}]')
    parts.append("}")
    return "".join(parts).encode()


def _compact(data) -> bytes:
    # The same bytes DRF's JSONRenderer writes: compact, UTF-8.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def comment_dict(comment: Comment) -> dict:
    user = comment.user
    return {
        "comment": comment.comment,
        "user_name": (user.get_full_name() or None) if user is not None else None,
        "created": format_datetime(comment.created),
    }


def evaluation_dict(evaluation: Evaluation, *, with_comments: bool = False) -> dict:
    data = {
        "created": format_datetime(evaluation.created),
        "rating": evaluation.rating or "",
        "mode_of_pathogenicity": evaluation.mode_of_pathogenicity,
        "publications": evaluation.publications,
        "phenotypes": evaluation.phenotypes,
        "moi": evaluation.moi,
        "current_diagnostic": bool(evaluation.current_diagnostic),
        "clinically_relevant": evaluation.clinically_relevant,
    }
    if with_comments:
        # Newest first (Comment's ordering; prefetched by selectors.reviews.entity_reviews).
        data["comments"] = [comment_dict(c) for c in evaluation.comments.all()]
    return data


def activity_dict(activity: Activity) -> dict:
    extra = activity.extra_data or {}
    return {
        "created": format_datetime(activity.created),
        "panel_name": extra.get("panel_name"),
        "panel_id": extra.get("panel_id", activity.panel_id),
        "panel_version": extra.get("panel_version"),
        "user_name": extra.get("user_name"),
        "item_type": activity.item_type,
        "text": activity.text,
        "entity_name": activity.entity_name,
        "entity_type": activity.entity_type,
    }
