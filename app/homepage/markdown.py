"""Safe Markdown for the home page's sections: CommonMark by markdown-it-py, with raw HTML off.

markdown-it-py is a maintained CommonMark implementation (it follows the spec's test suite): with
``html`` off, whatever HTML the author writes (``<script>``, ``<img onerror=...>``, ``<iframe>``)
is escaped and shown as text, so the only tags in the output are the ones the renderer writes.
Images are off (a section shows text and links only). A link is kept only when it goes to
``http(s):``, ``mailto:``, a path on this site or an anchor (``safe_url``): ``javascript:``,
``data:``, protocol-relative and other links are left as their Markdown text.

Headings move down two levels: the section title is the page's ``h2``, so ``#`` is an ``h3``
(and ``#####`` or deeper an ``h6``).
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:")
#: The section's own title is an h2: the author's headings start below it.
HEADING_SHIFT = 2


def safe_url(url: str) -> str | None:
    """The URL when it is safe to link to (http(s), mailto, this site's paths, anchors), else None."""
    bare = _CONTROL.sub("", html.unescape(url)).lower()
    if not bare:
        return None
    if bare.startswith(_SAFE_SCHEMES):
        return url
    if _SCHEME.match(bare) or bare.startswith(("//", "\\")):
        return None
    return url


def _shift_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1:]) + HEADING_SHIFT, 6)}"


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False, "linkify": False, "typographer": False})
    md.disable("image")
    md.validateLink = lambda url: safe_url(url) is not None  # type: ignore[method-assign]
    md.core.ruler.push("panelapp_shift_headings", _shift_headings)
    return md


_MARKDOWN = _renderer()


def render(text: str) -> str:
    """The section's HTML (safe to mark safe)."""
    return _MARKDOWN.render(text.replace("\x00", ""))
