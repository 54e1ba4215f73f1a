"""Reading what copying reviews between two panels would do: the genes on both, whose reviews
on the first would be copied, who already reviewed each on the second."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..models import Evaluation, GenePanelEntrySnapshot, GenePanelSnapshot

LINKS = GenePanelEntrySnapshot.evaluation.through


@dataclass
class GeneToCopy:
    symbol: str
    source_entity: int
    target_entity: int
    to_copy: list[Evaluation] = field(default_factory=list)
    existing: list[Evaluation] = field(default_factory=list)


def _entities(snapshot: GenePanelSnapshot, symbols: Iterable[str] | None) -> dict[str, int]:
    qs = GenePanelEntrySnapshot.objects.filter(panel=snapshot)
    if symbols is not None:
        qs = qs.filter(gene_core_id__in=list(symbols))
    return dict(qs.values_list("gene_core_id", "pk"))


def genes_to_copy(
    source: GenePanelSnapshot, target: GenePanelSnapshot, symbols: Iterable[str] | None = None
) -> list[GeneToCopy]:
    """The genes on both panels (of ``symbols``, if given), A-Z: the source's reviews whose
    authors have not reviewed the gene on the target (those are copied, as in PanelApp) and the
    target's own. Four queries whatever the number of genes."""
    wanted = None if symbols is None else list(symbols)
    source_entities, target_entities = _entities(source, wanted), _entities(target, wanted)
    both = sorted(set(source_entities) & set(target_entities))
    rows = {s: GeneToCopy(s, source_entities[s], target_entities[s]) for s in both}
    by_entity: dict[int, tuple[GeneToCopy, bool]] = {}
    for row in rows.values():
        by_entity[row.source_entity] = (row, True)
        by_entity[row.target_entity] = (row, False)
    links: list[Any] = list(
        LINKS.objects.filter(genepanelentrysnapshot_id__in=list(by_entity))
        .select_related("evaluation__user")
        .order_by("evaluation__created", "evaluation_id")
    )
    for link in links:
        row, is_source = by_entity[link.genepanelentrysnapshot_id]
        (row.to_copy if is_source else row.existing).append(link.evaluation)
    for row in rows.values():
        reviewed = {e.user_id for e in row.existing}
        row.to_copy = [e for e in row.to_copy if e.user_id not in reviewed]
    return [rows[s] for s in both]
