"""Building upload files for the import tests."""

from panels.exports import HEADER

from .conftest import MONOALLELIC


def panel_tsv(rows: list[dict]) -> bytes:
    """A panel TSV in the 36-column download layout; each row gives the columns it needs."""
    lines = ["\t".join(HEADER)]
    for row in rows:
        cells = [""] * len(HEADER)
        for name, value in row.items():
            cells[HEADER.index(name)] = str(value)
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode()


def gene_row(
    symbol: str, panel: str, sources: str = "Expert Review Green;Literature", moi: str = MONOALLELIC, **extra
) -> dict:
    return {
        "Entity Name": symbol,
        "Entity type": "gene",
        "Gene Symbol": symbol,
        "Sources(; separated)": sources,
        "Level4": panel,
        "Model_Of_Inheritance": moi,
        "Phenotypes": "Breast cancer;Ovarian cancer",
        "Publications": "PMID:123",
        "Flagged": "False",
        **extra,
    }
