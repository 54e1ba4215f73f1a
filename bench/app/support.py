"""Shared plumbing of the app benchmarks: the venv's commands and a production-like environment.

The web benchmarks need no backing service: /version/ touches no database, bucket or queue, so
docker-aws runs with placeholder values that merely pass validation.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "app"))

PLACEHOLDER_ENV = {
    "DJANGO_SETTINGS_MODULE": "panelapp.settings.docker-aws",
    "SECRET_KEY": "benchmark-secret-key-0123456789abcdef0123456789",
    "ALLOWED_HOSTS": "127.0.0.1;localhost",
    "PANEL_APP_BASE_URL": "https://panelapp.example.org",
    "DATABASE_URL": "postgresql://bench:bench@127.0.0.1:1/panelapp",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": "1",
    "DEFAULT_FROM_EMAIL": "panelapp@example.org",
    "PANEL_APP_EMAIL": "curators@example.org",
    "AWS_REGION": "eu-west-2",
    "AWS_S3_STATICFILES_BUCKET_NAME": "static",
    "AWS_S3_MEDIAFILES_BUCKET_NAME": "media",
    "AWS_S3_STATICFILES_CUSTOM_DOMAIN": "static.example.org",
    "AWS_S3_MEDIAFILES_CUSTOM_DOMAIN": "media.example.org",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "DJANGO_LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_env(extra: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "DJANGO_", "GUNICORN_"))}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(REPO / "app")
    env.update(extra)
    return env


def start_web(workers: int) -> tuple[subprocess.Popen, str, float]:
    """Start panelapp-web; return it, its base URL and the seconds until /version/ answered."""
    port = free_port()
    env = process_env({**PLACEHOLDER_ENV, "GUNICORN_WORKERS": str(workers), "GUNICORN_BIND": f"127.0.0.1:{port}"})
    started = time.perf_counter()
    web = subprocess.Popen(
        [str(VENV_BIN / "panelapp-web")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        if web.poll() is not None:
            raise SystemExit(f"panelapp-web exited with {web.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/version/", timeout=1) as response:
                if response.status == 200:
                    return web, url, time.perf_counter() - started
        except OSError:
            time.sleep(0.01)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
