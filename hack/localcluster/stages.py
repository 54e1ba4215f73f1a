"""Assembles KWOK's stage file: the stock node and pod lifecycles plus the project's failure stages."""

from pathlib import Path

STAGE_DIR = Path(__file__).resolve().parent / "stages"
STAGE_FILES = (
    "node-initialize.yaml",
    "node-heartbeat-with-lease.yaml",
    "pod-ready.yaml",
    "pod-complete.yaml",
    "pod-delete.yaml",
    "outcomes.yaml",
)
OUTCOME_ANNOTATION = "kwok.panelapp.org/outcome"


def write_stage_file(target: Path) -> Path:
    target.write_text("\n---\n".join((STAGE_DIR / name).read_text() for name in STAGE_FILES))
    return target
