"""The one strict parser of the integers in paths and query strings (ids, page numbers).

``str.isdigit()`` and ``int()`` accept far more than ASCII digits: superscripts (``²``) pass
``isdigit()`` but ``int()`` refuses them, and ``int()`` also takes Arabic-Indic digits, signs,
spaces and underscores. Numbers beyond 64 bits overflow SQLite (PostgreSQL's bigint refuses them
too). Every route parses through here, so none of that ever reaches a query: what is not ASCII
digits within the 64-bit range is simply not an id.

Standard library only.
"""

from __future__ import annotations

import re

#: The largest id either database can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_number(text: str) -> bool:
    """Only the characters 0-9 (at least one); no sign, space, underscore or other digits."""
    return bool(_ASCII_DIGITS.fullmatch(text))


def parse_id(text: str) -> int | None:
    """``text`` as a non-negative 64-bit integer, or None when it is anything else."""
    if not is_ascii_number(text):
        return None
    # Compare lengths first: int() of a very long digit string is slow, and nothing that long fits.
    if len(text.lstrip("0")) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


class IdConverter:
    """The ``<id:...>`` path converter: like ``<int:...>``, but out of range is no match (404)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value!r} is not a 64-bit id")  # Django: the route does not match
        return number

    def to_url(self, value) -> str:
        return str(int(value))
