"""What a name may hold: the one rule for entity, panel and tag names, used by forms and services.

Names end up in web addresses (an entity's page is ``/panels/<id>/<type>/<name>/``), in file
names and HTTP headers (the TSV download), and in the API's paths. A ``/`` cannot be part of a
path segment, so an entity named with one could never be opened or deleted and broke every page
that links to it. Line breaks and other control characters break headers (a panel name with CR/LF
made its download a 500), NUL cannot be stored by PostgreSQL, and bidirectional overrides make a
name read differently from what it is.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

#: Bidirectional embedding, override and isolate controls (they reorder how text is displayed).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in _BIDI_CONTROLS for c in text)


def name_problems(text: str, what: str, *, slash: bool = False) -> list[str]:
    """Why ``text`` cannot be the name of ``what`` ("The STR name"); empty when it can.

    ``slash`` allows ``/``: panels are addressed by id, and real panel names hold one.
    """
    problems = []
    if not slash and "/" in text:
        problems.append(f"{what} may not contain '/': it is part of the web address of its page.")
    if _has_control_characters(text):
        problems.append(f"{what} may not contain line breaks, tabs or other control characters.")
    return problems


def validator(what: str, *, slash: bool = False):
    """A form-field validator raising the same messages as the services."""

    def validate(value: str) -> None:
        problems = name_problems(value or "", what, slash=slash)
        if problems:
            raise ValidationError(problems)

    return validate
