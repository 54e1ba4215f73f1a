"""Prints the Debian mirror that hack/setup.sh bootstraps the images' base from.

The mirror is the machine's own, never one written into the repository: PANELAPP_DEBIAN_MIRROR
when it is set, else the first mirror in the machine's apt sources (/etc/apt/sources.list and
/etc/apt/sources.list.d/, one-line `*.list` and deb822 `*.sources` files) that serves
`<suite> main`, else the first one that serves `main` of another Debian release (a security
archive never counts: it does not carry the release itself). Exits 1 with a message saying what to
set when neither gives one.

    python3 hack/debian_mirror.py --suite bookworm [--apt-dir /etc/apt]

Standard library only: setup.sh runs it with the machine's python3.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "PANELAPP_DEBIAN_MIRROR"


class NoMirror(RuntimeError):
    """Neither the environment nor the apt sources name a Debian mirror."""


@dataclass(frozen=True)
class Source:
    """One `deb` line of an apt source: where it is and what it serves."""

    uri: str
    suites: tuple[str, ...]
    components: tuple[str, ...]


def _one_line_sources(text: str) -> list[Source]:
    """`deb [options] uri suite component...` lines; deb-src, comments and options skipped."""
    found = []
    for raw in text.splitlines():
        words = raw.split("#", 1)[0].split()
        if not words or words.pop(0) != "deb":
            continue
        if words and words[0].startswith("["):  # [arch=amd64 signed-by=...]: up to the closing ]
            while words and not words[0].endswith("]"):
                words.pop(0)
            words = words[1:]
        if len(words) >= 3:
            found.append(Source(words[0], (words[1],), tuple(words[2:])))
    return found


def _deb822_sources(text: str) -> list[Source]:
    """deb822 stanzas (`Types:`, `URIs:`, `Suites:`, `Components:`, `Enabled:`), blank-line separated."""
    found = []
    for stanza in text.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for raw in stanza.splitlines():
            if raw.startswith("#") or not raw.strip():
                continue
            if raw[0] in " \t" and key is not None:  # a continuation line
                fields[key] += " " + raw.strip()
                continue
            key, _, value = raw.partition(":")
            key = key.strip().lower()
            fields[key] = value.strip()
        if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes").lower() == "no":
            continue
        suites, components = tuple(fields.get("suites", "").split()), tuple(fields.get("components", "").split())
        found += [Source(uri, suites, components) for uri in fields.get("uris", "").split()]
    return found


def apt_sources(apt_dir: Path) -> list[Source]:
    """Every `deb` source of the machine, in apt's order: sources.list, then sources.list.d by name."""
    sources = []
    main_list = apt_dir / "sources.list"
    if main_list.is_file():
        sources += _one_line_sources(main_list.read_text(errors="replace"))
    parts = apt_dir / "sources.list.d"
    for path in sorted(parts.iterdir()) if parts.is_dir() else ():
        if path.suffix == ".list":
            sources += _one_line_sources(path.read_text(errors="replace"))
        elif path.suffix == ".sources":
            sources += _deb822_sources(path.read_text(errors="replace"))
    return sources


def _is_security(source: Source, suite: str) -> bool:
    return suite.endswith(("-security", "/updates")) or "debian-security" in source.uri


def debian_mirror(suite: str, apt_dir: Path = Path("/etc/apt"), environ: dict[str, str] | None = None) -> str:
    """The mirror URI, without a trailing slash; NoMirror when there is none."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get(ENV_VAR, "").strip():
        return environ[ENV_VAR].strip().rstrip("/")
    sources = [s for s in apt_sources(apt_dir) if "main" in s.components]
    for source in sources:
        if suite in source.suites:
            return source.uri.rstrip("/")
    # Another release's mirror carries this one too, if it is a Debian archive (its path says so).
    for source in sources:
        release = [s for s in source.suites if not _is_security(source, s)]
        if release and "/debian" in source.uri:
            return source.uri.rstrip("/")
    where = f"{apt_dir / 'sources.list'} or {apt_dir / 'sources.list.d'}/*.list, *.sources"
    raise NoMirror(
        f"no Debian mirror serving `{suite} main` in {where}. Set {ENV_VAR} to one, "
        f"e.g. {ENV_VAR}=http://<your Debian mirror>/debian"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", required=True, help="the Debian release the base is made of, e.g. bookworm")
    parser.add_argument("--apt-dir", type=Path, default=Path("/etc/apt"), help="where apt's sources are")
    args = parser.parse_args(argv)
    try:
        print(debian_mirror(args.suite, args.apt_dir))
    except NoMirror as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
