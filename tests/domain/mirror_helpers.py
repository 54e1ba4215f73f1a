"""Loopback servers for the mirror tests: a real source PanelApp (panelapp-web over its own
PostgreSQL database, loaded with the demo data), a recording proxy in front of it that can break
chosen answers, and a server that accepts connections but never answers."""

from __future__ import annotations

import http.server
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.fixtures.services import free_port
from tests.runtime.conftest import WebServer, command_env, run_command, start_web

SOURCE_DATABASE = "panelapp_mirror_source"

#: A broken answer: (status, content type, body), or None to forward the request to the source.
Answer = tuple[int, str, bytes] | tuple[int, str, bytes, dict[str, str]]


@dataclass
class Source:
    """The source PanelApp: its web server, its database URL and the environment of its commands."""

    web: WebServer
    database_url: str
    env: dict[str, str]

    @property
    def base_url(self) -> str:
        return self.web.base_url

    def get(self, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base_url + path, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def run(self, code: str) -> str:
        """Python run in the source's Django (``panelapp-manage shell -c``); its stdout."""
        done = run_command("panelapp-manage", "shell", "--no-imports", "-c", code, env=self.env, timeout=120)
        assert done.returncode == 0, done.stderr + done.stdout
        return done.stdout


def start_source(postgres_server, logdir: Path) -> Source:
    import psycopg2

    connection = psycopg2.connect(postgres_server.url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {SOURCE_DATABASE}")
        cursor.execute(f"CREATE DATABASE {SOURCE_DATABASE}")
    connection.close()
    url = postgres_server.url_for(SOURCE_DATABASE)
    env = command_env({"DJANGO_SETTINGS_MODULE": "panelapp.settings.test", "DATABASE_URL": url})
    for step in (["panelapp-migrate"], ["panelapp-manage", "load_demo_data"]):
        done = run_command(step[0], *step[1:], env=env, timeout=300)
        assert done.returncode == 0, done.stderr + done.stdout
    web = start_web({**env, "GUNICORN_WORKERS": "2"}, logdir)
    return Source(web, url, env)


@dataclass
class Proxy:
    """Forwards GETs to ``target``, recording each path; ``rules`` break the answers they match."""

    target: str
    rules: dict[str, Callable[[], Answer | None]] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def break_path(self, path: str, answer: Callable[[], Answer | None]) -> None:
        self.rules[path] = answer

    def reset(self) -> None:
        self.rules.clear()
        self.paths.clear()


def start_proxy(target: str) -> Iterator[Proxy]:
    proxy = Proxy(target)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            proxy.paths.append(self.path)
            rule = proxy.rules.get(self.path.split("?")[0]) or proxy.rules.get(self.path)
            answer = rule() if rule else None
            if answer is None:
                answer = self.forward()
            status, content_type, body, *extra = answer
            self.send_response(status)
            for name, value in (extra[0] if extra else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def forward(self) -> Answer:
            request = urllib.request.Request(
                proxy.target + self.path,
                headers={"Accept": self.headers.get("Accept", "*/*"), "Host": self.headers["Host"]},
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status, response.headers.get("Content-Type", ""), response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.headers.get("Content-Type", ""), error.read()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    proxy.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()


def hang(seconds: float) -> Callable[[], Answer | None]:
    """A rule that answers only after ``seconds`` (longer than the mirror's timeout)."""

    def answer() -> Answer:
        time.sleep(seconds)
        return 200, "application/json", b"{}"

    return answer


def throttled_once(retry_after: int) -> Callable[[], Answer | None]:
    """A rule that answers 429 with Retry-After the first time, then lets requests through."""
    calls: list[int] = []

    def answer() -> Answer | None:
        calls.append(1)
        if len(calls) > 1:
            return None
        body = b'{"detail":"Request was throttled."}'
        return 429, "application/json", body, {"Retry-After": str(retry_after)}

    return answer


def fixed(status: int, content_type: str, body: bytes) -> Callable[[], Answer | None]:
    return lambda: (status, content_type, body)


@contextmanager
def silent_server() -> Iterator[str]:
    """A loopback address that accepts connections and never answers (a source that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        listener.close()


def closed_port_url() -> str:
    """A loopback address where nothing listens (connection refused)."""
    return f"http://127.0.0.1:{free_port()}"
