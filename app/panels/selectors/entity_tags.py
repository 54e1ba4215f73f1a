"""The tag filter of the page of one gene, STR or region across panels (``?tag_filter=``)."""

from __future__ import annotations

from collections.abc import Sequence

from .entities import AcrossPanels, entity_across_panels


def entity_across_panels_tagged(name: str, statuses: Sequence[str], tag: str) -> tuple[AcrossPanels, list[str]]:
    """``entity_across_panels`` keeping the panels where the entity has ``tag`` (all when
    blank), and every tag it has on any of them, A-Z: the filter's choices."""
    across = entity_across_panels(name, statuses)
    tags = sorted({t for row in across.rows for t in row["tags"]}, key=lambda t: (t.upper(), t))
    if tag:
        across.rows = [row for row in across.rows if tag in row["tags"]]
    return across, tags
