"""The folder of prometheus_client's multiprocess files (PROMETHEUS_MULTIPROC_DIR).

prometheus_client chooses between in-process and multiprocess values when it is first imported,
from this variable: ``prepare`` must run before anything imports it, which is why this module
imports nothing but the standard library. The web and worker commands call it once, before
gunicorn or Celery fork; the children inherit the variable.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def prepare() -> Path:
    """Set PROMETHEUS_MULTIPROC_DIR and return it, with no file of an earlier run in it.

    Unset: a fresh folder under the writable temp dir (pods have a read-only root filesystem and
    a writable /tmp). Set: that folder, made if missing and emptied of the files of an earlier
    start (a restarted container keeps its /tmp), since their counts are not this start's.
    """
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its multiprocess folder was prepared")
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.glob("*.db"):
            leftover.unlink(missing_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="panelapp-metrics-"))
    os.environ[VARIABLE] = str(folder)
    return folder
