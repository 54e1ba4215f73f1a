"""Render the contract (runtime.contract) as the reference tables of docs/configuration.md.

The tables sit between two marker lines in the document; ``python -m runtime.contract_docs
docs/configuration.md`` rewrites them, and a test fails when they are stale, so the document can
never drift from what the image reads. Standard library only.
"""

from __future__ import annotations

import sys
from pathlib import Path

from runtime import contract

BEGIN = "<!-- BEGIN GENERATED: python -m runtime.contract_docs docs/configuration.md -->"
END = "<!-- END GENERATED -->"

_NEED = {
    "required": "**required**",
    "required-without-DATABASE_URL": "required unless `DATABASE_URL`",
    "required-with-cognito": "required if `AWS_USE_COGNITO`",
    "optional": "optional",
}


def _cell(text: str | None) -> str:
    if text is None:
        return ""
    return f"`{text}`" if text else '`""`'


def _variable_rows(variables: tuple[contract.Variable, ...]) -> list[str]:
    rows = ["| Variable | Need | Secret | Default | Meaning |", "|---|---|---|---|---|"]
    for v in variables:
        local = f" Embedded default: `{v.local_default}`." if v.local_default and not v.secret else ""
        rows.append(
            f"| `{v.name}` | {_NEED[v.need]} | {'yes' if v.secret else 'no'} | {_cell(v.default)} "
            f"| {v.description.replace('|', '&#124;')}{local} |"
        )
    return rows


def render() -> str:
    lines = [BEGIN, ""]
    groups: dict[str, list[contract.Variable]] = {}
    for variable in contract.VARIABLES:
        groups.setdefault(variable.group, []).append(variable)
    for group, variables in groups.items():
        lines += [f"### {group}", "", *_variable_rows(tuple(variables)), ""]
    lines += [
        "### Read by the AWS SDK",
        "",
        "The app does not read these itself; boto3 does, for S3 and SQS. Operators render them for "
        "emulators or tests; EKS injects the IRSA and Pod Identity ones.",
        "",
        *_variable_rows(contract.SDK_VARIABLES),
        "",
        "### Commands",
        "",
        "| Command | Runs as | Extra arguments | What it does |",
        "|---|---|---|---|",
    ]
    for command in contract.COMMANDS:
        lines.append(
            f"| `{command.name}` | {command.role} | {'yes' if command.accepts_arguments else 'no'} "
            f"| {command.description} |"
        )
    lines += ["", END]
    return "\n".join(lines)


def rewrite(document: str) -> str:
    """``document`` with the generated block replaced by the current rendering."""
    start, end = document.index(BEGIN), document.index(END) + len(END)
    return document[:start] + render() + document[end:]


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/configuration.md")
    path.write_text(rewrite(path.read_text()))


if __name__ == "__main__":
    main()
