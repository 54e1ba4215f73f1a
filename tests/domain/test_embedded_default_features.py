"""Releases, the MOI check and the editable home page work on the embedded default too (SQLite,
tasks run in-process): the same story as on PostgreSQL, in a process of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import BIALLELIC

HERE = Path(__file__).resolve().parent


def test_releases_moi_check_and_home_page_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    done = subprocess.run(
        [sys.executable, str(HERE / "sqlite_features.py"), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert (seen["create"], seen["import"], seen["deploy"], seen["state"]) == (302, 302, 302, "done")
    assert seen["versions"] == ["1.1", "1.0"] and seen["record_page"] is True
    [(subject, row)] = seen["moi_emails"]
    assert subject == "MOI Errors"
    assert row.startswith("MOI Not Allowed Values,DMD,SQLite release panel v1.1,")
    assert f"Green gene DMD on chromosome X with {BIALLELIC} MOI" in row
    assert seen["home"] == [True, True, False]
