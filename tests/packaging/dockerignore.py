"""Which files of the build context a Dockerfile's COPY sees, by the rules of .dockerignore:
patterns are matched against paths relative to the context (`**` spans folders), a pattern that
matches a folder matches everything inside it, and the last matching pattern wins (`!` re-includes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath


def _regex(pattern: str) -> re.Pattern[str]:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            out += "[" + pattern[i + 1 : end].replace("!", "^", 1) + "]"
            i = end + 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + "$")


class DockerIgnore:
    def __init__(self, text: str):
        self.rules: list[tuple[bool, re.Pattern[str]]] = []
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            pattern = line[1:].strip() if negated else line
            pattern = str(PurePosixPath("/" + pattern)).lstrip("/")  # clean like filepath.Clean
            self.rules.append((negated, _regex(pattern)))

    @classmethod
    def of(cls, context: Path) -> DockerIgnore:
        ignore_file = context / ".dockerignore"
        return cls(ignore_file.read_text() if ignore_file.exists() else "")

    def excluded(self, relative: str) -> bool:
        parts = PurePosixPath(relative).parts
        candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]  # the path and its parents
        excluded = False
        for negated, regex in self.rules:
            if any(regex.match(candidate) for candidate in candidates):
                excluded = not negated
        return excluded

    def files(self, context: Path, source: str) -> Iterator[tuple[Path, str]]:
        """(absolute path, path relative to `source`) of every file COPY would take from `source`."""
        base = context / source
        if base.is_file():
            if not self.excluded(source):
                yield base, base.name
            return
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(context).as_posix()
            if path.is_file() and not self.excluded(relative):
                yield path, path.relative_to(base).as_posix()
