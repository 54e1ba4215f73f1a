"""Stopping child processes: SIGTERM, a grace period, then SIGKILL."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess


def terminate(
    process: subprocess.Popen[bytes] | subprocess.Popen[str], timeout: float = 30, *, group: bool = False
) -> None:
    """Stop `process` (and, with `group`, its whole process group, for commands that fork workers
    of their own and were started with start_new_session=True). Only this process is signalled."""
    if process.poll() is not None:
        return

    def send(sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig) if group else process.send_signal(sig)

    send(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()
