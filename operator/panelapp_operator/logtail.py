"""The last lines of a task's log, fit for a status field: credentials masked, lines bounded.

The operator never reads a Secret's value, so it cannot look for the values themselves; it masks
what credentials look like instead: the password of a URL (postgresql://user:PASSWORD@host), the
value of anything named like a password, secret, token or key, AWS access key IDs, and long
unbroken tokens. PanelApp's commands print none of these, and the pods get their secrets only as
environment variables, so this is the second line of defence, not the first.
"""

from __future__ import annotations

import re

MASK = "***"
MAX_LINES = 20
MAX_LINE_LENGTH = 300

_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@\s]+(?=@)")
_NAMED_VALUE = re.compile(
    r"(?P<head>\b[\w.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|credential|session)[\w.-]*"
    r"[\"']?\s*[:=]\s*[\"']?)(?P<value>[^\s\"',;}]+)",
    re.IGNORECASE,
)
_AWS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
# 32 or more characters of one token drawn from key-like alphabets: keys, hashes, JWTs.
_LONG_TOKEN = re.compile(r"\b[A-Za-z0-9+/_=-]{32,}\b")


def redact(line: str) -> str:
    line = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, line)
    line = _NAMED_VALUE.sub(lambda m: m.group("head") + MASK, line)
    line = _AWS_KEY_ID.sub(MASK, line)
    line = _LONG_TOKEN.sub(MASK, line)
    return line


def tail(text: str, lines: int = MAX_LINES) -> list[str]:
    """The last `lines` non-empty lines, each masked and cut to MAX_LINE_LENGTH."""
    kept = [line.rstrip() for line in text.splitlines() if line.strip()][-lines:]
    return [_cut(redact(line)) for line in kept]


def _cut(line: str) -> str:
    return line if len(line) <= MAX_LINE_LENGTH else line[: MAX_LINE_LENGTH - 1] + "…"
