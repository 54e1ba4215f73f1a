"""The release panels CSV, as Genomics England's PanelApp reads it: the columns ``Panel ID`` and
``Promote`` (``true`` or ``false``; other columns are ignored). The file is the whole list: it
replaces the release's panels. Every problem is reported with its row, and nothing is applied
while any is left."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from panels.models import GenePanel
from panels.vocab import PanelStatus

MAX_BYTES = 1024 * 1024
MAX_ROWS = 10_000
HEADERS = ("Panel ID", "Promote")
TRUE = frozenset({"true", "1"})
FALSE = frozenset({"false", "0"})


@dataclass(frozen=True)
class Row:
    panel_id: int
    promote: bool


def parse(data: bytes) -> list[Row]:
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The file is larger than {MAX_BYTES // 1024} KiB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError("The file is not UTF-8 text.") from error
    if "\x00" in text:
        raise ValidationError("The file holds a NUL character: it is not a CSV file.")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [cell.strip() for cell in next(reader, [])]
        body = list(reader)
    except csv.Error as error:
        raise ValidationError(f"The file is not valid CSV: {error}.") from error
    missing = [name for name in HEADERS if name not in header]
    if missing:
        raise ValidationError("Missing headers: " + ", ".join(f"`{name}`" for name in missing))
    if len(body) > MAX_ROWS:
        raise ValidationError(f"The file has more than {MAX_ROWS} rows.")
    id_at, promote_at = header.index("Panel ID"), header.index("Promote")
    errors: list[str] = []
    rows: list[Row] = []
    seen: set[int] = set()
    for number, cells in enumerate(body, 1):
        if not any(cell.strip() for cell in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        raw_id, raw_promote = cells[id_at].strip(), cells[promote_at].strip()
        if not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > 18:
            errors.append(f"Row {number}: `{raw_id}` is not a panel id.")
            continue
        promote = raw_promote.lower()
        if promote not in TRUE | FALSE:
            errors.append(f"Row {number}: `{raw_promote}` value must be either `true` or `false`.")
            continue
        panel_id = int(raw_id)
        if panel_id in seen:
            errors.append(f"Row {number}: Panel is a duplicate.")
            continue
        seen.add(panel_id)
        rows.append(Row(panel_id, promote in TRUE))
    found = dict(GenePanel.objects.filter(pk__in=seen).values_list("pk", "status"))
    for row in rows:
        if row.panel_id not in found:
            errors.append(f"Panel {row.panel_id} does not exist.")
        elif found[row.panel_id] == PanelStatus.DELETED:
            errors.append(f"Panel {row.panel_id} is deleted.")
    if errors:
        raise ValidationError(errors)
    return rows
