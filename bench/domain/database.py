"""The database of the domain benchmarks: a throw-away PostgreSQL, migrated, with Django set up
against it in this process (docker-aws with placeholder values for everything else)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from support import PLACEHOLDER_ENV, VENV_BIN


@contextlib.contextmanager
def migrated_postgres(
    extra_env: dict[str, str] | None = None, *, settings_module: str | None = None
) -> Iterator[tuple[object, dict[str, str]]]:
    """``(server, env)``: the running server (``.url``, ``.dbname``) and the environment of the
    benchmark's own subprocesses (``extra_env`` over docker-aws's). Django in this process uses
    ``settings_module`` when given. The server stops on the way out. ``with migrated_postgres():``
    when neither is needed."""
    from api_latency import run

    from tests.fixtures.services import start_postgres

    workdir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    server, stop_postgres = start_postgres(workdir / "cluster")
    env = {**PLACEHOLDER_ENV, "DATABASE_URL": server.url, "DJANGO_LOG_LEVEL": "WARNING", **(extra_env or {})}
    try:
        run([str(VENV_BIN / "panelapp-migrate")], env)
        os.environ.update(env)
        if settings_module:
            os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
        import django

        django.setup()
        yield server, env
    finally:
        stop_postgres()
