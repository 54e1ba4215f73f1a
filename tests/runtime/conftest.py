"""Helpers for the runtime-contract tests: a complete production environment and the image's
commands run as real subprocesses (panelapp-web, panelapp-worker, panelapp-migrate, ...)."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from localcluster.processes import terminate
from tests.fixtures.services import (
    VENV_BIN,
    AwsResources,
    PostgresServer,
    SmtpSink,
    app_process_env,
    aws_environment,
    free_port,
    wait_until,
)

PRODUCTION = "panelapp.settings.docker-aws"
RUNTIME_DATABASE = "panelapp_runtime"
STATIC_DOMAIN = "static.cdn.example.org"
MEDIA_DOMAIN = "media.cdn.example.org"
HEALTH_TOKEN = "health-token-for-tests-0123456789"
SECRET_KEY = "production-like-secret-key-for-tests-0123456789abcdef"


def command_env(extra: dict[str, str] | None = None, *, clean: bool = True) -> dict[str, str]:
    """Environment for a command subprocess; ``clean`` drops the variables the contract reads so
    that nothing leaks in from the test process (pytest-django sets DJANGO_SETTINGS_MODULE; the
    browser tests set Django's DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly refuses)."""
    from runtime import contract

    env = app_process_env()
    if clean:
        for name in list(env):
            if contract.reads(name) or name.startswith(("AWS_", "DJANGO_ALLOW_ASYNC")):
                del env[name]
    env.update(extra or {})
    return env


def run_command(
    name: str, *args: str, env: dict[str, str], timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / name), *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=cwd
    )


def json_lines(text: str) -> list[dict]:
    """Every non-empty line parsed as JSON; fails naming the first line that is not.

    Only whole lines count: the log of a running server can end in a record still being written
    (a record that crosses the output buffer's end is written in two parts, and the client has
    its answer before gunicorn writes the access line)."""
    records = []
    whole = text if text.endswith("\n") else text[: text.rfind("\n") + 1]
    for line in whole.splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"log line is not JSON: {line!r}")
    return records


@pytest.fixture(scope="session")
def runtime_database(postgres_server: PostgresServer) -> str:
    """A database of its own for the command subprocesses, migrated once with panelapp-migrate."""
    import psycopg2

    connection = psycopg2.connect(postgres_server.url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {RUNTIME_DATABASE}")
        cursor.execute(f"CREATE DATABASE {RUNTIME_DATABASE}")
    connection.close()
    url = postgres_server.url_for(RUNTIME_DATABASE)
    env = command_env({"DJANGO_SETTINGS_MODULE": "panelapp.settings.test", "DATABASE_URL": url})
    migrated = run_command("panelapp-migrate", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr + migrated.stdout
    return url


def production_environment(aws_endpoint: str, smtp: SmtpSink, database_url: str) -> dict[str, str]:
    """A complete docker-aws environment pointing at moto, the SMTP sink and PostgreSQL."""
    return command_env(
        {
            **aws_environment(aws_endpoint),
            "DJANGO_SETTINGS_MODULE": PRODUCTION,
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "panelapp.example.org;127.0.0.1;localhost",
            "PANEL_APP_BASE_URL": "https://panelapp.example.org",
            "AWS_S3_STATICFILES_CUSTOM_DOMAIN": STATIC_DOMAIN,
            "AWS_S3_MEDIAFILES_CUSTOM_DOMAIN": MEDIA_DOMAIN,
            "DATABASE_URL": database_url,
            "EMAIL_HOST": smtp.host,
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_USE_TLS": "False",
            "DEFAULT_FROM_EMAIL": "PanelApp <panelapp@example.org>",
            "PANEL_APP_EMAIL": "curators@example.org",
            "HEALTH_CHECK_TOKEN": HEALTH_TOKEN,
            "BROKER_POLLING_INTERVAL": "0",
        }
    )


@pytest.fixture
def production_env(aws: AwsResources, smtp: SmtpSink, runtime_database: str) -> dict[str, str]:
    """The production environment for one test; ``aws`` has just reset moto and made the resources."""
    return production_environment(aws.endpoint_url, smtp, runtime_database)


@dataclass
class WebServer:
    popen: subprocess.Popen
    logfile: Path
    base_url: str
    started_at: float
    ready_after: float = 0.0
    extra: dict = field(default_factory=dict)

    def output(self) -> str:
        return self.logfile.read_text(errors="replace")

    def get(self, path: str, *, headers: dict[str, str] | None = None, timeout: float = 30):
        """(status, headers, body) of a GET; HTTP errors are returned, not raised."""
        request = urllib.request.Request(
            self.base_url + path, headers={"Host": "panelapp.example.org", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def worker_pids(self) -> list[int]:
        """PIDs of gunicorn's worker processes (children of the arbiter)."""
        children = Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        terminate(self.popen)


def start_web(env: dict[str, str], logdir: Path, *, timeout: float = 90) -> WebServer:
    """Start panelapp-web on a free port and wait for /version/ to answer."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    logfile = logdir / f"web-{port}.log"
    started = time.monotonic()
    with open(logfile, "wb") as log:
        popen = subprocess.Popen(
            [str(VENV_BIN / "panelapp-web")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=logdir,
            start_new_session=True,
        )
    server = WebServer(popen, logfile, f"http://127.0.0.1:{port}", started)

    def answers() -> bool:
        if popen.poll() is not None:
            pytest.fail(f"panelapp-web exited with {popen.returncode}:\n{server.output()[-4000:]}")
        try:
            return server.get("/version/", timeout=2)[0] == 200
        except OSError:
            return False

    wait_until(answers, timeout, "panelapp-web to answer /version/", interval=0.1)
    server.ready_after = time.monotonic() - started
    return server


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[Callable[..., WebServer]]:
    servers: list[WebServer] = []

    def start(env: dict[str, str], **kwargs) -> WebServer:
        server = start_web(env, tmp_path, **kwargs)
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


def wait_for_exit(popen: subprocess.Popen, timeout: float) -> int:
    try:
        return popen.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait()
        pytest.fail(f"process did not exit within {timeout}s")
