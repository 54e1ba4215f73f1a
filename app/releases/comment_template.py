"""The promotion-comment template of a release.

Genomics England's PanelApp renders it with Jinja2 (sandboxed) and two variables: ``version``, the
version the panel is promoted to, and ``now.yyyy_mm_dd_hh_mm``, the deployment's time. Those two
placeholders are all a release comment uses, so they are all this accepts: anything else between
``{{ }}`` or ``{% %}`` is refused when the release is saved, and nothing in the text is evaluated.
"""

from __future__ import annotations

import datetime as dt
import re

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)
VARIABLES = ("version", "now.yyyy_mm_dd_hh_mm")


def problems(template: str) -> list[str]:
    """What is wrong with a template (empty: it renders)."""
    found = []
    unknown = sorted({m.group(1) for m in PLACEHOLDER.finditer(template)} - set(VARIABLES))
    if unknown:
        found.append(
            "Unknown placeholders: "
            + ", ".join("{{ " + name + " }}" for name in unknown)
            + ". Use {{ version }} and {{ now.yyyy_mm_dd_hh_mm }}."
        )
    if STATEMENT.search(template):
        found.append("Only the placeholders {{ version }} and {{ now.yyyy_mm_dd_hh_mm }} are supported.")
    return found


def render(template: str, *, version: str, now: dt.datetime) -> str:
    values = {"version": version, "now.yyyy_mm_dd_hh_mm": now.strftime("%Y-%m-%d %H:%M")}
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template).strip()
