"""panelapp-beat under docker-aws: starts, logs JSON only, keeps its state outside the working
directory, and stops cleanly."""

import signal
import subprocess

import pytest

from tests.fixtures.services import VENV_BIN, wait_until

from .conftest import json_lines, wait_for_exit

pytestmark = pytest.mark.postgres


def test_beat_starts_logs_json_and_stops(production_env, tmp_path):
    # The image's working directory may be read-only: beat must write nothing there.
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    logfile = tmp_path / "beat.log"
    with open(logfile, "wb") as log:
        beat = subprocess.Popen(
            [str(VENV_BIN / "panelapp-beat")],
            env={**production_env, "DJANGO_LOG_LEVEL": "DEBUG"},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=workdir,
            start_new_session=True,
        )
    try:
        # "Waking up" is logged once the scheduler loop runs: a SIGTERM before it (while Celery
        # still imports the tasks after "beat: Starting...") would test the start-up, not the stop.
        wait_until(lambda: "beat: Waking up" in logfile.read_text() or beat.poll() is not None, 60, "beat to start")
        assert beat.poll() is None, logfile.read_text()
    finally:
        beat.send_signal(signal.SIGTERM)
        wait_for_exit(beat, 30)
    records = json_lines(logfile.read_text())
    assert any(r["message"] == "beat: Starting..." for r in records)
    assert not list(workdir.iterdir())
