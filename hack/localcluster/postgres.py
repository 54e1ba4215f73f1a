"""A throw-away PostgreSQL cluster (Debian's server binaries) for the tests, the real node's pods
and the demo: initdb into a folder, fsync off, a random port, a generated password. When run as
root, the server runs as the `postgres` (or `nobody`) user, because PostgreSQL refuses root."""

from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

POSTGRES_BIN_DIR = Path(os.environ.get("POSTGRES_BIN_DIR", "/usr/lib/postgresql/15/bin"))
# The unprivileged users PostgreSQL can run as when we are root.
POSTGRES_RUN_AS_CANDIDATES = ("postgres", "nobody")


class PostgresError(RuntimeError):
    """PostgreSQL could not be set up; the message says what to install or shows its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclasses.dataclass
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    dbname: str
    datadir: Path
    # The pg_ctl command lines that start and stop this server again (outage tests).
    start_argv: list[str] = dataclasses.field(default_factory=list)
    stop_argv: list[str] = dataclasses.field(default_factory=list)

    def stop_now(self) -> None:
        subprocess.run(self.stop_argv, capture_output=True, timeout=60, check=True)

    def start_again(self) -> None:
        subprocess.run(self.start_argv, capture_output=True, timeout=90, check=True)

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.dbname}"

    def url_for(self, dbname: str) -> str:
        """The URL of another database on the same server (e.g. pytest-django's test database)."""
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{dbname}"


def _postgres_run_as() -> list[str]:
    """The command prefix that runs a PostgreSQL binary as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresError("the tests run as root and PostgreSQL refuses root: install util-linux (runuser)")
    for user in POSTGRES_RUN_AS_CANDIDATES:
        try:
            subprocess.run(["id", "-u", user], check=True, capture_output=True)
        except subprocess.CalledProcessError:
            continue
        return [runuser, "-u", user, "--"]
    raise PostgresError("the tests run as root and no unprivileged user (postgres, nobody) exists to run PostgreSQL")


def _chown_for(prefix: list[str], path: Path) -> None:
    if prefix:
        user = prefix[2]
        shutil.chown(path, user=user)


def start_postgres(
    workdir: Path, listen: tuple[str, ...] = ("127.0.0.1",), allow_networks: tuple[str, ...] = ()
) -> tuple[PostgresServer, Callable[[], None]]:
    """Start a throw-away PostgreSQL cluster in ``workdir``; return it and its stop function.

    ``listen`` are the addresses it listens on (the first is ``.host``); ``allow_networks`` are
    networks besides loopback that may log in with the password (the real node's pods)."""
    initdb, pg_ctl = POSTGRES_BIN_DIR / "initdb", POSTGRES_BIN_DIR / "pg_ctl"
    if not initdb.exists() or not pg_ctl.exists():
        raise PostgresError(
            f"PostgreSQL server binaries not found in {POSTGRES_BIN_DIR}: install the Debian package "
            "postgresql (apt-get install postgresql), or point POSTGRES_BIN_DIR at initdb/pg_ctl"
        )
    run_as = _postgres_run_as()
    workdir.mkdir(parents=True, exist_ok=True)
    _chown_for(run_as, workdir)
    # The unprivileged server user must be able to reach its directory through the parents.
    for parent in workdir.parents:
        if parent == Path(tempfile.gettempdir()):
            break
        parent.chmod(0o755)
    datadir, sockdir, logfile = workdir / "data", workdir / "sock", workdir / "postgres.log"
    sockdir.mkdir()
    _chown_for(run_as, sockdir)
    password = secrets.token_urlsafe(16)
    pwfile = workdir / "pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    _chown_for(run_as, pwfile)
    user = "panelapp"
    initialised = subprocess.run(
        [
            *run_as,
            str(initdb),
            "-D",
            str(datadir),
            "-U",
            user,
            f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    pwfile.unlink()
    if initialised.returncode != 0:
        raise PostgresError(f"initdb failed ({initialised.returncode}):\n{initialised.stdout}\n{initialised.stderr}")
    if allow_networks:
        with open(datadir / "pg_hba.conf", "a") as hba:
            hba.writelines(f"host all all {network} scram-sha-256\n" for network in allow_networks)
    for _attempt in range(3):
        port = free_port()
        options = (
            f"-h {','.join(listen)} -p {port} -k {sockdir} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        started = subprocess.run(
            [*run_as, str(pg_ctl), "-D", str(datadir), "-l", str(logfile), "-o", options, "-w", "-t", "60", "start"],
            capture_output=True,
            text=True,
            cwd=workdir,
        )
        if started.returncode == 0:
            break
    else:
        log = logfile.read_text(errors="replace") if logfile.exists() else ""
        raise PostgresError(f"PostgreSQL did not start: {started.stderr}\n{log[-3000:]}")
    created = subprocess.run(
        [*run_as, str(POSTGRES_BIN_DIR / "createdb"), "-h", str(sockdir), "-p", str(port), "-U", user, "panelapp"],
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    if created.returncode != 0:
        raise PostgresError(f"createdb failed: {created.stderr}")

    stop_argv = [*run_as, str(pg_ctl), "-D", str(datadir), "-m", "immediate", "-w", "stop"]
    start_argv = [
        *run_as,
        str(pg_ctl),
        "-D",
        str(datadir),
        "-l",
        str(logfile),
        "-o",
        options,
        "-w",
        "-t",
        "60",
        "start",
    ]

    def stop() -> None:
        subprocess.run(stop_argv, capture_output=True, cwd=workdir)

    return PostgresServer(listen[0], port, user, password, "panelapp", datadir, start_argv, stop_argv), stop
