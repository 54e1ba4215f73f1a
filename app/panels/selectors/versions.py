"""Reading a panel's stored versions (``HistoricalSnapshot``) and its signed-off versions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, overload

from django.db.models import QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform

from .. import representation
from ..models import GenePanel, HistoricalSnapshot
from ..versions import Version
from ..vocab import PanelStatus


def stored_version(panel_id: int, version: Version) -> HistoricalSnapshot | None:
    """The stored snapshot of one earlier version of a panel."""
    return HistoricalSnapshot.objects.filter(
        panel_id=panel_id, major_version=version.major, minor_version=version.minor
    ).first()


def latest_public_sign_off(panel_id: int) -> HistoricalSnapshot | None:
    """The latest signed-off version of a public panel."""
    return (
        HistoricalSnapshot.objects.filter(
            panel_id=panel_id, panel__status=PanelStatus.PUBLIC, signed_off_date__isnull=False
        )
        .order_by("-major_version", "-minor_version")
        .first()
    )


# The Panel keys of a stored snapshot; read straight out of the JSON so that the (possibly very
# large) entity lists are never loaded for a listing.
PANEL_KEYS = (
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
)
#: Keys that versions frozen before they existed do not hold (read as None: left out).
LATER_KEYS = frozenset({"description", "child_panel_ids"})


#: The keys that are JSON strings. They are read as text: SQLite hands JSON back as SQL values,
#: which Django decodes again, so a version "1.10" came out as the number 1.1 and a name "123" as 123.
TEXT_KEYS = frozenset(
    {"hash_id", "name", "disease_group", "disease_sub_group", "description", "status", "version", "version_created"}
)


def _key(key: str) -> KeyTransform:
    return KeyTextTransform(key, "data") if key in TEXT_KEYS else KeyTransform(key, "data")


def signed_off_item(row: dict[str, Any]) -> dict[str, Any]:
    item = {key: row[f"k_{key}"] for key in PANEL_KEYS if not (key in LATER_KEYS and row[f"k_{key}"] is None)}
    if item["hash_id"] == "null":
        # SQLite reads a JSON null as text as the word null (JSON_TYPE); no legacy id is that word.
        item["hash_id"] = None
    item["signed_off"] = representation.format_date(row["signed_off_date"])
    return item


class Mapped(Sequence[dict[str, Any]]):
    """A lazily mapped queryset that the paginator can count (one query) and slice."""

    def __init__(self, qs: QuerySet[Any, dict[str, Any]], fn: Callable[[dict[str, Any]], dict[str, Any]]):
        self.qs, self.fn = qs, fn

    def __len__(self) -> int:
        return self.qs.count()

    @overload
    def __getitem__(self, item: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, item: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, item: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(item, slice):
            return [self.fn(row) for row in self.qs[item]]
        return self.fn(self.qs[item])


def signed_off_list(display: str, panel_id: int | None) -> Mapped:
    """Signed-off versions as Panel objects plus ``signed_off``, by panel id then newest first.

    ``display`` ``latest``: the latest signed-off version of each public panel; ``all``: every
    signed-off version of public and retired panels.
    """
    qs = HistoricalSnapshot.objects.filter(signed_off_date__isnull=False)
    if display == "latest":
        latest = GenePanel.objects.filter(status=PanelStatus.PUBLIC, signed_off__isnull=False).values("signed_off")
        qs = qs.filter(pk__in=latest)
    else:
        qs = qs.filter(panel__status__in=[PanelStatus.PUBLIC, PanelStatus.RETIRED])
    if panel_id is not None:
        qs = qs.filter(panel_id=panel_id)
    rows = (
        qs.order_by("panel_id", "-major_version", "-minor_version")
        .annotate(**{f"k_{key}": _key(key) for key in PANEL_KEYS})
        .values("signed_off_date", *(f"k_{key}" for key in PANEL_KEYS))
    )
    return Mapped(rows, signed_off_item)
