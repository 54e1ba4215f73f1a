"""What every import shares: reading the stored file as a stream, and reporting every problem at once.

Files are read line by line from the storage handle, never whole: a 50 MB upload costs the
parsed rows, not four copies of its text. Anything a file can hold that the database cannot
store (NUL characters) or that Python cannot parse safely (JSON nested thousands deep, gzip that
expands without end) is a Problem of the file, never an error of the import.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import BinaryIO

from ..spreadsheet import restore

#: A compressed gene file may expand to at most this many bytes (PanelApp's whole gene table,
#: about 40,000 genes, is some 60 MB of JSON); beyond it the file is refused as a likely bomb.
MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
NUL_REASON = "contains a NUL character, which PanelApp cannot store; remove it and upload the file again."


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


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """By line, the problems of the file as a whole (``line`` None) last."""
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0))


def as_stream(source: bytes | BinaryIO) -> BinaryIO:
    """Importers take the open file; bytes (tests, the shell) are wrapped."""
    return io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source


NOT_UTF8 = "The file is not UTF-8 text (save it as UTF-8 tab-separated text)."


def decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ImportRejected([Problem(line, "", NOT_UTF8)]) from error


def _text_lines(handle: BinaryIO) -> Iterator[str]:
    """The file's lines as text, split exactly as ``str.splitlines`` splits the whole text."""
    for number, raw in enumerate(iter(handle.readline, b""), start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise ImportRejected([Problem(number, "", NOT_UTF8)]) from None
        yield from text.splitlines()


def read_tsv(source: bytes | BinaryIO, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` for every line after the header row, blank lines included.

    Lines holding a NUL character are reported in ``problems`` and not yielded.
    """
    lines = _text_lines(as_stream(source))
    if next(lines, None) is None:
        raise ImportRejected([Problem(1, "", "The file is empty.")])
    reader = csv.reader((line + "\n" for line in lines), delimiter="\t", quotechar='"')
    try:
        # csv drops a trailing empty line; blank lines in the middle come back as []
        for offset, cells in enumerate(reader):
            if any("\x00" in cell for cell in cells):
                problems.append(Problem(offset + 2, "", NUL_REASON))
                continue
            # Cells PanelApp's own download neutralised as formulas come back as they were.
            yield offset + 2, [restore(c.strip()) for c in cells]
    except csv.Error as error:
        problems.append(Problem(reader.line_num + 1, "", f"is not tab-separated text the importer can read ({error})."))


def read_maybe_gzip(source: bytes | BinaryIO, limit: int | None = None) -> bytes:
    """The file's bytes, decompressed first if it is gzip (``.json.gz``), refusing more than
    ``limit`` (default MAX_DECOMPRESSED_BYTES) without reading further."""
    limit = MAX_DECOMPRESSED_BYTES if limit is None else limit
    handle = as_stream(source)
    head = handle.read(2)
    if head != GZIP_MAGIC:
        return head + handle.read()
    handle.seek(0)
    try:
        with gzip.GzipFile(fileobj=handle) as unpacked:
            content = unpacked.read(limit + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise ImportRejected([Problem(None, "", f"The file is not valid gzip ({error}).")]) from error
    if len(content) > limit:
        raise ImportRejected(
            [
                Problem(
                    None, "", f"The file is larger than {limit // (1024 * 1024)} MB when decompressed; it was not read."
                )
            ]
        )
    return content


def split_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def parse_bool(text: str) -> bool | None:
    value = (text or "").strip().lower()
    if value in ("true", "yes", "1"):
        return True
    if value in ("false", "no", "0", ""):
        return False
    return None
