"""Panel version numbers: ``"major.minor"`` strings compared as integer pairs.

``1.9 < 1.10`` and ``1.345`` means minor 345, so a version must never be read as a float.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_VERSION_RE = re.compile(r"^\s*(\d{1,9})\.(\d{1,9})\s*$")


class InvalidVersion(ValueError):
    """A version string that is not two dot-separated non-negative integers."""


class Version(NamedTuple):
    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _VERSION_RE.match(text or "")
        if not match:
            raise InvalidVersion(f"{text!r} is not a panel version; expected major.minor, e.g. 1.12")
        return cls(int(match.group(1)), int(match.group(2)))

    def next_minor(self) -> Version:
        return Version(self.major, self.minor + 1)

    def next_major(self) -> Version:
        return Version(self.major + 1, 0)
