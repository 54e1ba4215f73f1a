"""A small, safe Markdown renderer for the home page's sections.

Everything the author writes is HTML-escaped first; the only tags in the output are the ones this
module writes. So raw HTML (``<script>``, ``<img onerror=...>``, ``<iframe>``) is shown as text and
never runs, and a link is kept only when it goes to ``http(s):``, ``mailto:``, a path on this site
or an anchor: ``javascript:``, ``data:`` and other schemes leave just the link's text.

Supported: headings (``#`` to ``####``: the section title is the page's ``h2``, so ``#`` is an
``h3``), paragraphs, line breaks (two trailing spaces), ``-``/``*``/``+`` and numbered lists,
``>`` quotes, fenced code blocks, ``---`` rules, and inline ``**strong**``, ``*emphasis*``,
``_emphasis_``, ``` `code` ```, ``[text](url)`` and ``<https://autolinks>``.
"""

from __future__ import annotations

import html
import re

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,9}[.)]\s+(.*)$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^<>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<!\*)\*(?=\S)(.+?)(?<=\S)\*(?!\*)")
_EM_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9_])_(?=\S)(.+?)(?<=\S)_(?![A-Za-z0-9_])")
_TOKEN = re.compile(r"\x00(\d+)\x00")
_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(url: str) -> str | None:
    """The URL when it is safe to link to (http(s), mailto, this site's paths, anchors), else None."""
    bare = _CONTROL.sub("", html.unescape(url)).lower()
    if not bare:
        return None
    if bare.startswith(_SAFE_SCHEMES):
        return url
    scheme = re.match(r"^[a-z][a-z0-9+.-]*:", bare)
    if scheme or bare.startswith("//") or bare.startswith("\\"):
        return None
    return url


def _inline(text: str) -> str:
    saved: list[str] = []

    def keep(fragment: str) -> str:
        saved.append(fragment)
        return f"\x00{len(saved) - 1}\x00"

    text = text.replace("\x00", "")
    parts = []
    last = 0
    for match in _CODE.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        parts.append(keep(f"<code>{html.escape(match.group(2).strip())}</code>"))
        last = match.end()
    parts.append(html.escape(text[last:]))
    out = "".join(parts)

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        target = safe_url(url)
        if target is None:
            return label
        return keep(f'<a href="{target}">') + label + keep("</a>")

    def autolink(match: re.Match[str]) -> str:
        url = match.group(1)
        return keep(f'<a href="{url}">{url}</a>') if safe_url(url) else url

    # The text is escaped: "<https://...>" reads "&lt;https://...&gt;" here.
    out = re.sub(r"&lt;((?:https?://|mailto:)[^<>\s&]+(?:&amp;[^<>\s&]+)*)&gt;", autolink, out)
    out = _LINK.sub(link, out)
    out = _STRONG.sub(r"<strong>\2</strong>", out)
    out = _EM_STAR.sub(r"<em>\1</em>", out)
    out = _EM_UNDERSCORE.sub(r"<em>\1</em>", out)
    out = out.replace("  \n", "<br>\n")
    while _TOKEN.search(out):
        out = _TOKEN.sub(lambda m: saved[int(m.group(1))], out)
    return out


def render(text: str) -> str:
    """Markdown to HTML that can be marked safe: every character of ``text`` is escaped."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""
    quote: list[str] = []

    def flush() -> None:
        nonlocal list_tag
        if paragraph:
            blocks.append("<p>" + _inline("\n".join(paragraph)) + "</p>")
            paragraph.clear()
        if items:
            blocks.append(f"<{list_tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{list_tag}>")
            items.clear()
            list_tag = ""
        if quote:
            blocks.append("<blockquote>" + render("\n".join(quote)) + "</blockquote>")
            quote.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if _FENCE.match(line):
            flush()
            fence = _FENCE.match(line).group(1)  # type: ignore[union-attr]  # matched just above
            code = []
            while index < len(lines) and not lines[index].strip().startswith(fence):
                code.append(lines[index])
                index += 1
            index += 1
            blocks.append("<pre><code>" + html.escape("\n".join(code).replace("\x00", "")) + "</code></pre>")
            continue
        if quote and not _QUOTE.match(line) and line.strip():
            quote.append(line)
            continue
        if not line.strip():
            flush()
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            level = min(len(heading.group(1)) + 2, 6)
            blocks.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            continue
        if _RULE.match(line):
            flush()
            blocks.append("<hr>")
            continue
        quoted = _QUOTE.match(line)
        if quoted:
            if paragraph or items:
                flush()
            quote.append(quoted.group(1))
            continue
        bullet, number = _BULLET.match(line), _NUMBER.match(line)
        if bullet or number:
            tag = "ul" if bullet else "ol"
            if paragraph or (items and tag != list_tag):
                flush()
            list_tag = tag
            items.append((bullet or number).group(1))  # type: ignore[union-attr]  # one of them matched
            continue
        if items and line.startswith((" ", "\t")):
            items[-1] += "\n" + line.strip()
            continue
        if items:
            flush()
        paragraph.append(line)
    flush()
    return "\n".join(blocks)
