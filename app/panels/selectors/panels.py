"""Reading panels: lookups by id, legacy id, name or disorder; the panel lists; a panel's page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from runtime.ids import is_ascii_number, parse_id

from ..models import GenePanel, GenePanelEntrySnapshot, GenePanelSnapshot, HistoricalSnapshot
from ..models.panels import DISORDER_KEY_SEPARATOR, GenePanelSnapshotQuerySet
from ..vocab import VISIBLE_STATUSES


def panel_lookup_q(term: str) -> Q:
    """PanelApp's panel lookup on a GenePanelSnapshot queryset.

    Digits match the panel id. Anything else matches the legacy 24-hex id, the exact name, an
    exact relevant disorder (e.g. an R-code such as ``R45``) or a case-insensitive part of the name.
    """
    term = term.strip()
    if is_ascii_number(term):
        # Beyond a 64-bit id nothing can match (and the database would refuse the number).
        number = parse_id(term)
        return Q(panel_id=number) if number is not None else Q(pk__in=[])
    return (
        Q(panel__old_pk=term)
        | Q(panel__name=term)
        | Q(relevant_disorders_key__contains=f"{DISORDER_KEY_SEPARATOR}{term}{DISORDER_KEY_SEPARATOR}")
        | Q(panel__name__icontains=term)
    )


def snapshot_ids_for_entities(snapshot: GenePanelSnapshot) -> list[int]:
    """A super panel shows its children's entities; any other panel shows its own."""
    if snapshot.is_super_panel():
        return list(snapshot.child_panels.values_list("pk", flat=True))
    return [snapshot.pk]


def live_snapshot(panel_id: int, statuses: Iterable[str]) -> GenePanelSnapshot | None:
    """The live snapshot of a panel, with its panel, title and latest sign-off, if its status is
    one of ``statuses`` (see ``panels.visibility``)."""
    return (
        GenePanelSnapshot.objects.select_related("panel", "level4title", "panel__signed_off")
        .filter(panel_id=panel_id, panel__status__in=statuses)
        .first()
    )


def snapshot_of_panel(panel_id: int) -> GenePanelSnapshot:
    """The live snapshot of a panel with its panel and title, whatever its status."""
    return GenePanelSnapshot.objects.select_related("panel", "level4title").get(panel_id=panel_id)


def find_snapshot(term: str, statuses: Iterable[str] | None = None) -> GenePanelSnapshot | None:
    """The live snapshot a lookup term names (id, legacy id, name, relevant disorder), or None.

    Several panels may match a name or disorder; the first in panel-list order wins.
    """
    qs = GenePanelSnapshot.objects.with_panel().filter(panel_lookup_q(term))
    if statuses is not None:
        qs = qs.filter(panel__status__in=statuses)
    return qs.ordered_by_name().first()


def panel_id_of_legacy_id(old_pk: str) -> int | None:
    """The panel id of a PanelApp v1 (24-hex) id."""
    panel = GenePanel.objects.filter(old_pk=old_pk).only("pk").first()
    return None if panel is None else panel.pk


def panel_list(
    statuses: Sequence[str],
    *,
    type_slugs: Sequence[str] = (),
    lookup: str = "",
    name_contains: str = "",
    gene: str = "",
) -> GenePanelSnapshotQuerySet:
    """The panels with one of ``statuses``, by name, each with what the Panel JSON needs.

    ``type_slugs``: of any of these types. ``lookup``: as ``panel_lookup_q``. ``name_contains``:
    a part of the name. ``gene``: holding this gene symbol, or a child panel that holds it.
    """
    qs = GenePanelSnapshot.objects.with_panel().filter(panel__status__in=statuses)
    if type_slugs:
        qs = qs.filter(panel_id__in=GenePanel.objects.filter(types__slug__in=type_slugs).values("pk"))
    if lookup:
        qs = qs.filter(panel_lookup_q(lookup))
    if name_contains:
        qs = qs.filter(panel__name__icontains=name_contains)
    if gene:
        qs = qs.filter(pk__in=_holding_gene(gene))
    return qs.ordered_by_name()


def _holding_gene(gene: str) -> set[int]:
    holding = set(
        GenePanelEntrySnapshot.objects.filter(gene_core__gene_symbol__iexact=gene).values_list("panel_id", flat=True)
    )
    holding |= set(
        GenePanelSnapshot.child_panels.through.objects.filter(to_genepanelsnapshot_id__in=holding).values_list(
            "from_genepanelsnapshot_id", flat=True
        )
    )
    return holding


def super_and_child_ids() -> tuple[set[int], set[int]]:
    """The snapshot ids of every super panel, and of every panel that is a child of one."""
    links = GenePanelSnapshot.child_panels.through.objects.values_list(
        "from_genepanelsnapshot_id", "to_genepanelsnapshot_id"
    )
    parents: set[int] = set()
    children: set[int] = set()
    for parent, child in links:
        parents.add(parent)
        children.add(child)
    return parents, children


@dataclass
class PanelListRow:
    snapshot: GenePanelSnapshot
    is_super: bool
    is_child: bool
    stats: dict[str, object]


def panel_list_rows(statuses: Sequence[str], search: str, gene: str) -> list[PanelListRow]:
    """The web panel list: the panels ``panel_list`` finds, marked super or child panel."""
    qs = panel_list(statuses, lookup=search, gene=gene)
    parents, children = super_and_child_ids()
    return [PanelListRow(s, s.pk in parents, s.pk in children, s.stats or {}) for s in qs]


@dataclass
class PanelPage:
    """What the panel page shows besides its entity tables (``selectors.tables``)."""

    super_panel: bool
    children: QuerySet[GenePanelSnapshot] | list[GenePanelSnapshot]
    parents: QuerySet[GenePanelSnapshot]
    signed_off_versions: list[HistoricalSnapshot]
    versions: list[str]


def panel_page(snapshot: GenePanelSnapshot) -> PanelPage:
    """The panel page's facts. Child and parent panels are read when the page shows them."""
    super_panel = snapshot.is_super_panel()
    signed_off = HistoricalSnapshot.objects.filter(panel_id=snapshot.panel_id, signed_off_date__isnull=False).only(
        "major_version", "minor_version", "signed_off_date"
    )
    return PanelPage(
        super_panel=super_panel,
        children=snapshot.child_panels.select_related("level4title").order_by("level4title__name")
        if super_panel
        else [],
        parents=snapshot.parent_panels.select_related("level4title").order_by("level4title__name"),
        signed_off_versions=list(signed_off),
        versions=[snapshot.version]
        + [
            h.version
            for h in HistoricalSnapshot.objects.filter(panel_id=snapshot.panel_id).only(
                "major_version", "minor_version"
            )
        ],
    )


def home_counts() -> tuple[int, int]:
    """The home page's figures: public and promoted panels, and the genes on them."""
    panels = GenePanelSnapshot.objects.filter(panel__status__in=VISIBLE_STATUSES).count()
    genes = GenePanelEntrySnapshot.objects.filter(panel__panel__status__in=VISIBLE_STATUSES).count()
    return panels, genes
