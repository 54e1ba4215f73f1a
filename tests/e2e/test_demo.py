"""The README's main command works: a control plane, the operator reconciling the minimal example
to Ready, and PanelApp answering on its embedded default with the demo logins printed."""
from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.k8s
def test_main_job_brings_up_the_operator_example_and_panelapp(tmp_path):
    port = free_port()
    result = subprocess.run(
        [sys.executable, str(REPO / "hack" / "demo.py"), "--exit-when-ready", "--port", str(port),
         "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=400, cwd=REPO,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    assert "the example PanelApp is Ready" in output
    # kubectl get panelapps: the example reached Ready with all its replicas.
    assert any(line.startswith("panelapp ") and " Ready " in line for line in output.splitlines()), output
    assert f"open http://localhost:{port}/ in your browser" in output
    assert "Demo curator login:" in output
    # Nothing it started is left running: the port is free again.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


@pytest.mark.k8s
def test_main_job_refuses_a_taken_port_before_starting_anything(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(REPO / "hack" / "demo.py"), "--exit-when-ready", "--port", str(port),
             "--workdir", str(tmp_path)],
            capture_output=True, text=True, timeout=60, cwd=REPO,
        )
    assert result.returncode == 1
    assert f"port {port}" in result.stderr and "already in use" in result.stderr
    assert not (tmp_path / "cluster").exists()
