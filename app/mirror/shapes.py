"""Checks that what a source answered has the shape of PanelApp's API v1, before anything is stored.

Each ``check_*`` returns the item unchanged or raises :class:`MirrorError` naming where the
answer is wrong (``panel 5: genes[3].confidence_level must be a string, got int 3``). Only the
keys the mirror stores are checked; keys it does not know are ignored (a newer PanelApp may add
some), so a source is refused for missing or mistyped data, never for having more.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .client import MirrorError

VERSION = re.compile(r"^\d{1,6}\.\d{1,6}$")
CONFIDENCE = re.compile(r"^\d$")
PANEL_STATUSES = ("public", "promoted", "retired", "internal", "deleted")


class Checker:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, key: str, expected: str, value: object) -> MirrorError:
        if value is None:
            shown = "null"
        elif isinstance(value, str):
            shown = f"str {value[:60]!r}"
        else:
            shown = f"{type(value).__name__} {str(value)[:60]}"
        return MirrorError(f"{self.where}: {key} must be {expected}, got {shown}")

    def obj(self, data: object, key: str = "the answer") -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(key, "an object", data)
        return data

    def has(self, data: dict[str, Any], key: str) -> Any:
        if key not in data:
            raise MirrorError(f"{self.where}: {key} is missing")
        return data[key]

    def string(self, data: dict[str, Any], key: str, *, null: bool = False, label: str | None = None) -> str | None:
        value = self.has(data, key)
        if value is None and null:
            return None
        if not isinstance(value, str):
            raise self.fail(label or key, "a string" + (" or null" if null else ""), value)
        return value

    def integer(self, data: dict[str, Any], key: str, *, label: str | None = None) -> int:
        value = self.has(data, key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(label or key, "a whole number", value)
        return value

    def boolean(self, data: dict[str, Any], key: str, *, null: bool = False) -> bool | None:
        value = self.has(data, key)
        if value is None and null:
            return None
        if not isinstance(value, bool):
            raise self.fail(key, "true or false" + (" or null" if null else ""), value)
        return value

    def strings(
        self, data: dict[str, Any], key: str, *, null: bool = False, label: str | None = None
    ) -> list[str] | None:
        value = self.has(data, key)
        if value is None and null:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(label or key, "a list of strings" + (" or null" if null else ""), value)
        return value

    def pair(self, data: dict[str, Any], key: str, *, null: bool = False, label: str | None = None) -> list[int] | None:
        value = self.has(data, key)
        if value is None and null:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        ):
            raise self.fail(label or key, "[start, end] (two whole numbers)" + (" or null" if null else ""), value)
        return value


def parse_datetime(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def check_panel(data: object, where: str) -> dict[str, Any]:
    """A Panel object (list item, detail head, nested ``panel``, signed-off item)."""
    c = Checker(where)
    panel = c.obj(data)
    panel_id = c.integer(panel, "id")
    if panel_id <= 0:
        raise c.fail("id", "a positive panel id", panel_id)
    c.string(panel, "hash_id", null=True)
    c.string(panel, "name")
    c.string(panel, "disease_group")
    c.string(panel, "disease_sub_group")
    status = c.string(panel, "status")
    if status not in PANEL_STATUSES:
        raise c.fail("status", f"one of {', '.join(PANEL_STATUSES)}", status)
    version = c.string(panel, "version")
    if not VERSION.match(version or ""):
        raise c.fail("version", 'a version such as "1.10"', version)
    created = c.string(panel, "version_created", null=True)
    if created is not None and parse_datetime(created) is None:
        raise c.fail("version_created", "an ISO 8601 date and time", created)
    c.strings(panel, "relevant_disorders")
    c.obj(c.has(panel, "stats"), "stats")
    types = c.has(panel, "types")
    if not isinstance(types, list):
        raise c.fail("types", "a list", types)
    for index, item in enumerate(types):
        t = Checker(f"{where}: types[{index}]")
        kind = t.obj(item)
        t.string(kind, "name")
        t.string(kind, "slug")
        t.string(kind, "description")
    return panel


def _check_gene_data(c: Checker, entity: dict[str, Any], label: str, *, null: bool) -> None:
    gene = c.has(entity, "gene_data")
    if gene is None and null:
        return
    gene = c.obj(gene, f"{label}.gene_data")
    c.string(gene, "gene_symbol", label=f"{label}.gene_data.gene_symbol")


def _check_common(c: Checker, entity: dict[str, Any], label: str, kind: str) -> None:
    if entity.get("entity_type") != kind:
        raise c.fail(f"{label}.entity_type", repr(kind), entity.get("entity_type"))
    name = c.string(entity, "entity_name", label=f"{label}.entity_name")
    if not name:
        raise c.fail(f"{label}.entity_name", "a name", name)
    level = c.string(entity, "confidence_level", label=f"{label}.confidence_level")
    if not CONFIDENCE.match(level or ""):
        raise c.fail(f"{label}.confidence_level", 'a digit such as "3"', level)
    c.string(entity, "penetrance", null=True, label=f"{label}.penetrance")
    c.strings(entity, "publications", null=True, label=f"{label}.publications")
    c.strings(entity, "evidence", label=f"{label}.evidence")
    c.strings(entity, "phenotypes", label=f"{label}.phenotypes")
    c.string(entity, "mode_of_inheritance", label=f"{label}.mode_of_inheritance")
    c.strings(entity, "tags", label=f"{label}.tags")
    if "panel" in entity:
        check_panel(entity["panel"], f"{c.where}: {label}.panel")


def _check_located(c: Checker, entity: dict[str, Any], label: str) -> None:
    c.string(entity, "chromosome", label=f"{label}.chromosome")
    c.pair(entity, "grch37_coordinates", null=True, label=f"{label}.grch37_coordinates")
    c.pair(entity, "grch38_coordinates", label=f"{label}.grch38_coordinates")


def check_gene(c: Checker, entity: dict[str, Any], label: str) -> None:
    _check_common(c, entity, label, "gene")
    _check_gene_data(c, entity, label, null=False)
    c.string(entity, "mode_of_pathogenicity", null=True, label=f"{label}.mode_of_pathogenicity")
    transcript = entity.get("transcript")
    if transcript is not None and not (isinstance(transcript, list) and all(isinstance(t, str) for t in transcript)):
        raise c.fail(f"{label}.transcript", "a list of strings or null", transcript)


def check_str(c: Checker, entity: dict[str, Any], label: str) -> None:
    _check_common(c, entity, label, "str")
    _check_gene_data(c, entity, label, null=True)
    _check_located(c, entity, label)
    c.string(entity, "repeated_sequence", label=f"{label}.repeated_sequence")
    c.integer(entity, "normal_repeats", label=f"{label}.normal_repeats")
    c.integer(entity, "pathogenic_repeats", label=f"{label}.pathogenic_repeats")


def check_region(c: Checker, entity: dict[str, Any], label: str) -> None:
    _check_common(c, entity, label, "region")
    _check_gene_data(c, entity, label, null=True)
    _check_located(c, entity, label)
    c.string(entity, "verbose_name", null=True, label=f"{label}.verbose_name")
    c.string(entity, "mode_of_pathogenicity", null=True, label=f"{label}.mode_of_pathogenicity")
    c.string(entity, "haploinsufficiency_score", null=True, label=f"{label}.haploinsufficiency_score")
    c.string(entity, "triplosensitivity_score", null=True, label=f"{label}.triplosensitivity_score")
    c.integer(entity, "required_overlap_percentage", label=f"{label}.required_overlap_percentage")
    c.string(entity, "type_of_variants", label=f"{label}.type_of_variants")


ENTITY_CHECKS = {"genes": check_gene, "strs": check_str, "regions": check_region}


def check_panel_detail(data: object, where: str) -> dict[str, Any]:
    """A panel with its ``genes``, ``strs`` and ``regions``."""
    detail = check_panel(data, where)
    c = Checker(where)
    for key, check in ENTITY_CHECKS.items():
        items = c.has(detail, key)
        if not isinstance(items, list):
            raise c.fail(key, "a list", items)
        for index, item in enumerate(items):
            check(c, c.obj(item, f"{key}[{index}]"), f"{key}[{index}]")
    return detail


def check_evaluation(data: object, where: str) -> dict[str, Any]:
    c = Checker(where)
    review = c.obj(data)
    created = c.string(review, "created")
    if parse_datetime(created or "") is None:
        raise c.fail("created", "an ISO 8601 date and time", created)
    c.string(review, "rating")
    c.string(review, "mode_of_pathogenicity", null=True)
    c.strings(review, "publications", null=True)
    c.strings(review, "phenotypes", null=True)
    c.string(review, "moi", null=True)
    c.boolean(review, "current_diagnostic")
    c.boolean(review, "clinically_relevant", null=True)
    return review


def check_signed_off(data: object, where: str) -> dict[str, Any]:
    item = check_panel(data, where)
    c = Checker(where)
    signed = c.string(item, "signed_off")
    if parse_date(signed or "") is None:
        raise c.fail("signed_off", "a date such as 2024-04-01", signed)
    return item
