"""The README's main command works. Where containers can run (here): a control plane with a real
node, the operator reconciling a PanelApp to Ready in real pods, the demo data loaded by a Job, and
PanelApp served from the operator's own web pods through a port-forward, with the logins printed.
Where they cannot, it says why and falls back to KWOK stand-ins and the embedded default."""

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


def run_demo(tmp_path: Path, port: int, *extra: str, timeout: float = 1500) -> tuple[int, str]:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "hack" / "demo.py"),
            "--exit-when-ready",
            "--port",
            str(port),
            "--workdir",
            str(tmp_path),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.k8s
@pytest.mark.realnode
@pytest.mark.timeout(1600)
def test_main_job_serves_panelapp_from_the_operators_own_pods(tmp_path):
    port = free_port()
    returncode, output = run_demo(tmp_path, port)
    assert returncode == 0, output[-5000:]
    assert "falls back" not in output, output[-5000:]
    assert "the example PanelApp is Ready" in output
    assert "loading the demo data with a one-off Job" in output
    assert any(line.startswith("panelapp ") and " Ready " in line for line in output.splitlines()), output
    assert f"served by the operator's pods: open http://localhost:{port}/ in your browser" in output
    assert "Demo curator login:" in output
    with socket.socket() as sock:  # the port-forward is gone with the demo
        sock.bind(("127.0.0.1", port))


@pytest.mark.k8s
@pytest.mark.timeout(900)
def test_main_job_falls_back_to_the_embedded_default_where_real_pods_cannot_run(tmp_path):
    # The machine's one real node is taken (its bridge exists), so real pods cannot run here now.
    subprocess.run(["ip", "link", "add", "name", "panelapp0", "type", "bridge"], check=True)
    try:
        port = free_port()
        returncode, output = run_demo(tmp_path, port, timeout=800)
    finally:
        subprocess.run(["ip", "link", "del", "panelapp0"], check=False)
    assert returncode == 0, output[-5000:]
    assert "real pods cannot run on this machine, so the demo falls back" in output
    assert "panelapp0" in output  # the reason names what is in the way
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
            [
                sys.executable,
                str(REPO / "hack" / "demo.py"),
                "--exit-when-ready",
                "--port",
                str(port),
                "--workdir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO,
        )
    assert result.returncode == 1
    assert f"port {port}" in result.stderr and "already in use" in result.stderr
    assert not (tmp_path / "cluster").exists()
