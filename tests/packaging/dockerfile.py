"""A small reader of our Dockerfiles: stages and their instructions, with line continuations
joined and comments dropped. Enough for the instructions the project's Dockerfiles use (FROM, ARG,
ENV, WORKDIR, COPY, RUN, USER, EXPOSE, CMD, ENTRYPOINT); anything else is kept as read.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case, e.g. "RUN"
    arguments: str  # the rest of the (joined) line
    line: int

    def flags_and_words(self) -> tuple[dict[str, str], list[str]]:
        """`COPY --from=builder a b` -> ({"from": "builder"}, ["a", "b"])."""
        words = shlex.split(self.arguments)
        flags = {}
        while words and words[0].startswith("--"):
            name, _, value = words.pop(0)[2:].partition("=")
            flags[name] = value
        return flags, words

    def exec_form(self) -> list[str]:
        """CMD/ENTRYPOINT in JSON (exec) form."""
        return json.loads(self.arguments)


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None


@dataclass
class Dockerfile:
    path: Path
    stages: list[Stage]

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(f"{self.path.name} has no stage named {name!r}")


def parse(path: Path) -> Dockerfile:
    stages: list[Stage] = []
    for instruction in _instructions(path.read_text()):
        if instruction.keyword == "FROM":
            words = instruction.arguments.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        elif not stages:
            raise ValueError(f"{path.name}:{instruction.line}: {instruction.keyword} before the first FROM")
        else:
            stages[-1].instructions.append(instruction)
    return Dockerfile(path, stages)


def _instructions(text: str):
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, arguments = full.partition(" ")
        yield Instruction(keyword.upper(), arguments.strip(), start)


def env_pairs(instruction: Instruction) -> list[tuple[str, str]]:
    """`ENV A=1 B="two words"` -> [("A", "1"), ("B", "two words")]; values are not expanded."""
    words = shlex.split(instruction.arguments, posix=True)
    if len(words) >= 2 and "=" not in words[0]:  # the legacy `ENV KEY value` form
        return [(words[0], " ".join(words[1:]))]
    return [(key, value) for key, _, value in (word.partition("=") for word in words)]


def expand(value: str, variables: dict[str, str]) -> str:
    """Docker's $VAR / ${VAR} substitution (unknown variables become empty, as in Docker)."""
    return _VARIABLE.sub(lambda m: variables.get(m.group(1) or m.group(2), ""), value)
