"""The generated sections of docs/install.md: the chart values reference (from values.yaml, its
`# --` comments and values.schema.json) and the PanelApp resource reference (from the CRD's
descriptions). tests/packaging/test_install_doc.py fails when they are stale; rewrite them with

    .venv/bin/python -m tests.packaging.install_doc
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "install.md"
CHART = REPO / "helm" / "panelapp-operator"
CRD = REPO / "crds" / "panelapp.org_panelapps.yaml"
SECTIONS = ("chart values", "PanelApp reference")


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


# --- chart values -------------------------------------------------------------------------------------


def _comments_by_key(values_text: str) -> dict[str, str]:
    """'image.tag' -> the `# --` comment just above that key in values.yaml (helm-docs style; a
    comment without `--` is a note for readers of values.yaml, not a description)."""
    found: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    comment: list[str] | None = None
    for line in values_text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# --"):
            comment = [stripped[4:].strip()]
            continue
        if stripped.startswith("#"):
            if comment is not None:
                comment.append(stripped.lstrip("#").strip())
            continue
        match = re.match(r"^(\s*)([A-Za-z0-9_-]+):", line)
        if match:
            indent = len(match.group(1))
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, match.group(2)))
            if comment:
                found[".".join(key for _, key in stack)] = " ".join(comment)
        comment = None
    return found


def _schema_at(schema: dict, path: list[str]) -> dict:
    node = schema
    for key in path:
        node = _resolve(schema, node)
        node = (node.get("properties") or {}).get(key, {})
    return _resolve(schema, node)


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["definitions"][node["$ref"].split("/")[-1]]
    return node


def _type_of(node: dict) -> str:
    if "enum" in node:
        return " \\| ".join(f"`{value}`" for value in node["enum"])
    if "anyOf" in node:
        return " or ".join(sorted({_type_of(option) for option in node["anyOf"]}))
    return node.get("type", "any")


def _leaves(value: Any, path: list[str]):
    if isinstance(value, dict) and value:
        for key, sub in value.items():
            yield from _leaves(sub, [*path, key])
    else:
        yield path, value


def values_reference() -> str:
    values_text = (CHART / "values.yaml").read_text()
    values = yaml.safe_load(values_text)
    schema = json.loads((CHART / "values.schema.json").read_text())
    comments = _comments_by_key(values_text)
    rows = ["| Value | Type | Default | Description |", "|---|---|---|---|"]
    for path, default in _leaves(values, []):
        key = ".".join(path)
        node = _schema_at(schema, path)
        description = comments.get(key) or node.get("description", "")
        rows.append(f"| `{key}` | {_type_of(node)} | `{json.dumps(default)}` | {_cell(description)} |")
    return "\n".join(rows)


# --- PanelApp reference -------------------------------------------------------------------------------


def _fields(node: dict, path: str, required: bool):
    kind = node.get("type", "object" if "properties" in node else "")
    if node.get("x-kubernetes-int-or-string"):
        kind = "integer or string"
    yield path, kind, required, node.get("description", "")
    if "properties" in node:
        needed = set(node.get("required", []))
        for name, sub in node["properties"].items():
            yield from _fields(sub, f"{path}.{name}", name in needed)
    elif kind == "array" and "properties" in node.get("items", {}):
        items = node["items"]
        needed = set(items.get("required", []))
        for name, sub in items["properties"].items():
            yield from _fields(sub, f"{path}[].{name}", name in needed)


def panelapp_reference() -> str:
    crd = yaml.safe_load(CRD.read_text())
    [version] = [v for v in crd["spec"]["versions"] if v.get("storage")]
    root = version["schema"]["openAPIV3Schema"]
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    lines = [
        f"`apiVersion: {group}/{version['name']}`, `kind: {kind}` (short name "
        f"`{', '.join(crd['spec']['names'].get('shortNames', []))}`). Required fields are marked **yes**; "
        "`kubectl explain panelapp.spec` shows the same text.",
        "",
    ]
    for part in ("spec", "status"):
        lines += [f"### `{part}`", "", "| Field | Type | Required | Description |", "|---|---|---|---|"]
        for path, kind_, required, description in _fields(root["properties"][part], part, False):
            if path == part:
                lines.insert(len(lines) - 2, _cell(description) + "\n")
                continue
            lines.append(f"| `{path}` | {kind_} | {'**yes**' if required else ''} | {_cell(description)} |")
        lines.append("")
    return "\n".join(lines).rstrip()


# --- the document -------------------------------------------------------------------------------------


def _marker(section: str, end: bool = False) -> str:
    return f"<!-- {'END' if end else 'BEGIN'} GENERATED: {section} (python -m tests.packaging.install_doc) -->"


def rendered(text: str) -> str:
    """The document with every generated section brought up to date."""
    generators = {"chart values": values_reference, "PanelApp reference": panelapp_reference}
    for section in SECTIONS:
        begin, end = _marker(section), _marker(section, end=True)
        if begin not in text or end not in text:
            raise ValueError(f"docs/install.md lacks the markers of the {section} section:\n{begin}\n{end}")
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{generators[section]()}\n{end}{tail}"
    return text


def main() -> int:
    DOC.write_text(rendered(DOC.read_text()))
    print(f"updated {DOC.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
