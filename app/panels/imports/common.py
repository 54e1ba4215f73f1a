"""What every import shares: reading TSV files and reporting every problem at once."""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass


@dataclass
class Problem:
    """One reason a file was rejected. ``line`` is the 1-based line in the file (None for JSON)."""

    line: int | None
    column: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


class ImportRejected(Exception):
    """The file cannot be imported; nothing was changed. Carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


def decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ImportRejected([Problem(line, "", "The file is not UTF-8 text (save it as UTF-8 tab-separated text).")])


def read_tsv(content: bytes) -> list[tuple[int, list[str]]]:
    """``(line number, cells)`` for every line after the header row, blank lines included."""
    text = decode(content)
    lines = text.splitlines()
    if not lines:
        raise ImportRejected([Problem(1, "", "The file is empty.")])
    reader = csv.reader(io.StringIO("\n".join(lines[1:])), delimiter="\t", quotechar='"')
    rows = []
    for offset, cells in enumerate(reader):
        rows.append((offset + 2, [c.strip() for c in cells]))
    # csv drops a trailing empty line; blank lines in the middle come back as []
    return rows


def split_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def parse_bool(text: str) -> bool | None:
    value = (text or "").strip().lower()
    if value in ("true", "yes", "1"):
        return True
    if value in ("false", "no", "0", ""):
        return False
    return None
