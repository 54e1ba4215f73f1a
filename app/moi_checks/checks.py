"""The MOI checks themselves, pure: each takes one green gene of a released panel and says what is
wrong with its mode of inheritance, with Genomics England's PanelApp's messages and check types.

Per gene the first failing check is reported: empty or unknown, not a standard value, ``Other``
off the Y chromosome, X-linked against the chromosome, mitochondrial against the chromosome,
then (with OMIM) a disagreement with OMIM. Across panels, a gene whose MOI differs between
panels is reported pair by pair (the two "MONOALLELIC, autosomal ..., NOT imprinted / imprinted
status unknown" values do not count as a disagreement).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from panels.vocab import MITOCHONDRIAL, MOI_VALUES, UNKNOWN_MOI

CSV_HEADER = ("check_type", "gene", "panel", "panel_id", "moi", "message")

X_LINKED_MOI = frozenset(
    {
        "X-LINKED: hemizygous mutation in males, biallelic mutations in females",
        "X-LINKED: hemizygous mutation in males, monoallelic mutations in females may cause disease "
        "(may be less severe, later onset than males)",
    }
)
MONOALLELIC_MOI = frozenset(
    {
        "MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted",
        "MONOALLELIC, autosomal or pseudoautosomal, imprinted status unknown",
    }
)
OTHER_MOI = frozenset({"Other", "Other - please specifiy in evaluation comments"})
STANDARD_MOI = frozenset(MOI_VALUES - {""})

#: OMIM's inheritance words each PanelApp MOI (by its first word) agrees with.
OMIM_MOI = {
    "MONOALLELIC,": frozenset({"Autosomal dominant", "dominant", "AD", "DOMINANT"}),
    "BIALLELIC,": frozenset({"Autosomal recessive", "recessive", "AR", "RECESSIVE"}),
    "BOTH": frozenset(
        {
            "Autosomal recessive",
            "Autosomal dominant",
            "recessive",
            "dominant",
            "AR/AD",
            "AD/AR",
            "DOMINANT/RECESSIVE",
            "RECESSIVE/DOMINANT",
        }
    ),
    "X-LINKED:": frozenset(
        {
            "X-linked recessive",
            "XLR",
            "X-linked dominant",
            "x-linked over-dominance",
            "X-LINKED",
            "X-linked",
            "XLD",
            "XL",
        }
    ),
    "MITOCHONDRIAL": frozenset({"Mitochondrial"}),
}


class CheckType(StrEnum):
    OMIM_COMPARISON = "OMIM Comparison"
    ACROSS_PANELS_CHECKS = "Across Panel Checks"
    VALUE_NOT_ALLOWED = "MOI Not Allowed Values"


@dataclass(frozen=True)
class GreenGene:
    """A green gene of a released panel, as the checks need it."""

    name: str
    moi: str
    panel: str  # "Name v1.2", as PanelApp writes a panel
    panel_id: int
    chromosome: str | None
    omim_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    check_type: CheckType
    gene: str
    panel: str
    panel_id: int
    moi: str
    message: str

    @classmethod
    def of(cls, gene: GreenGene, check_type: CheckType, message: str) -> Problem:
        return cls(check_type, gene.name, gene.panel, gene.panel_id, gene.moi, message)

    @property
    def row(self) -> tuple[str, str, str, int, str, str]:
        return (self.check_type.value, self.gene, self.panel, self.panel_id, self.moi, self.message)


def check_is_empty(gene: GreenGene) -> Problem | None:
    if not gene.moi or gene.moi == UNKNOWN_MOI:
        return Problem.of(
            gene,
            CheckType.VALUE_NOT_ALLOWED,
            f"Green gene {gene.name} with {gene.moi or 'empty'} MOI on panel {gene.panel}",
        )
    return None


def check_non_standard(gene: GreenGene) -> Problem | None:
    if gene.moi not in STANDARD_MOI:
        return Problem.of(
            gene,
            CheckType.VALUE_NOT_ALLOWED,
            f"Green gene {gene.name} with non-standard {gene.moi} MOI on panel {gene.panel}",
        )
    return None


def check_other(gene: GreenGene) -> Problem | None:
    if gene.moi in OTHER_MOI and gene.chromosome != "Y":
        return Problem.of(
            gene, CheckType.VALUE_NOT_ALLOWED, f"Green gene {gene.name} with {gene.moi} MOI on panel {gene.panel}"
        )
    return None


def check_chromosome_x(gene: GreenGene) -> Problem | None:
    if gene.chromosome == "X" and gene.moi not in X_LINKED_MOI:
        return Problem.of(
            gene,
            CheckType.VALUE_NOT_ALLOWED,
            f"Green gene {gene.name} on chromosome X with {gene.moi} MOI on panel {gene.panel}",
        )
    if gene.chromosome != "X" and gene.moi in X_LINKED_MOI:
        return Problem.of(
            gene,
            CheckType.VALUE_NOT_ALLOWED,
            f"Green gene {gene.name} on chromosome {gene.chromosome} with X-LINKED MOI on panel {gene.panel}",
        )
    return None


def check_mitochondrial(gene: GreenGene) -> Problem | None:
    if gene.chromosome == "MT" and gene.moi != MITOCHONDRIAL:
        return Problem.of(
            gene,
            CheckType.VALUE_NOT_ALLOWED,
            f"Green gene {gene.name} on chromosome MT with {gene.moi} MOI on panel {gene.panel}",
        )
    if gene.chromosome != "MT" and gene.moi == MITOCHONDRIAL:
        return Problem.of(
            gene,
            CheckType.VALUE_NOT_ALLOWED,
            f"Green gene {gene.name} on chromosome {gene.chromosome} with MITOCHONDRIAL MOI on panel {gene.panel}",
        )
    return None


Check = Callable[[GreenGene], "Problem | None"]
VALUE_CHECKS: tuple[Check, ...] = (
    check_is_empty,
    check_non_standard,
    check_other,
    check_chromosome_x,
    check_mitochondrial,
)


def omim_check(lookup: Callable[[str], frozenset[str]]) -> Check:
    """The OMIM comparison, with ``lookup(omim_id)`` -> OMIM's inheritance words for the gene."""

    def check_omim(gene: GreenGene) -> Problem | None:
        if not gene.omim_ids:
            return Problem.of(gene, CheckType.OMIM_COMPARISON, "Gene has no OMIM ID")
        prefix = gene.moi.split()[0] if gene.moi.split() else ""
        if prefix not in OMIM_MOI:
            return Problem.of(gene, CheckType.OMIM_COMPARISON, "Gene MOI can't be checked with OMIM")
        omim_moi = lookup(gene.omim_ids[0])
        if not omim_moi:
            return None  # OMIM has nothing (or did not answer): nothing to compare
        if OMIM_MOI[prefix] & omim_moi:
            return None
        shown = "{" + ", ".join(repr(m) for m in sorted(omim_moi)) + "}"
        return Problem.of(
            gene,
            CheckType.OMIM_COMPARISON,
            f"Green gene {gene.name} with discrepant OMIM MOI {shown} and {gene.moi} on panel {gene.panel}",
        )

    return check_omim


def value_problems(genes: Iterable[GreenGene], checks: Iterable[Check] = VALUE_CHECKS) -> list[Problem]:
    checks = tuple(checks)
    found = []
    for gene in genes:
        for check in checks:
            problem = check(gene)
            if problem is not None:
                found.append(problem)
                break
    return found


def across_panel_problems(genes: Iterable[GreenGene]) -> list[Problem]:
    """Genes with a different MOI on different panels: each panel's entry against the others."""
    by_gene: dict[str, list[GreenGene]] = {}
    for gene in genes:
        if gene.moi and gene.moi != UNKNOWN_MOI:
            by_gene.setdefault(gene.name, []).append(gene)
    found = []
    for entries in by_gene.values():
        if len({e.moi for e in entries}) < 2:
            continue
        entries = sorted(entries, key=lambda e: e.panel_id)
        processed: set[int] = set()
        for entry in entries:
            for other in entries:
                if (
                    other.moi != entry.moi
                    and other.panel_id not in processed
                    and frozenset({entry.moi, other.moi}) != MONOALLELIC_MOI
                ):
                    found.append(Problem.of(entry, CheckType.ACROSS_PANELS_CHECKS, f"Is {other.moi} on {other.panel}"))
                    processed.add(other.panel_id)
            processed.add(entry.panel_id)
    return found
