"""The embedded default (panelapp.settings.local): nothing but SQLite and files on disk."""

import json

import pytest

from .conftest import command_env, json_lines, run_command

SEND = "from runtime.tasks import send_email; send_email.delay('reader@example.org', 'Local mail', 'text')"


@pytest.fixture
def local_env(tmp_path):
    # No DJANGO_SETTINGS_MODULE, no database, no AWS, no SMTP: the commands default to local.
    return command_env({"PANELAPP_LOCAL_DIR": str(tmp_path / "state"), "HEALTH_CHECK_TOKEN": "local-token-123456"})


def test_the_embedded_default_runs_on_sqlite_and_files(local_env, tmp_path, web_server):
    state = tmp_path / "state"
    migrated = run_command("panelapp-migrate", env=local_env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr + migrated.stdout
    assert (state / "panelapp.sqlite3").stat().st_size > 0
    checked = run_command("panelapp-check", env=local_env)
    assert checked.returncode == 0, checked.stderr

    sent = run_command("panelapp-manage", "shell", "--no-imports", "-c", SEND, env=local_env)
    assert sent.returncode == 0, sent.stderr
    [mail] = list((state / "outbox").iterdir())
    assert "Subject: Local mail" in mail.read_text()

    web = web_server({**local_env, "GUNICORN_WORKERS": "1"})
    status, _, body = web.get("/health/?token=local-token-123456", headers={"Host": "localhost"})
    assert status == 200
    assert json.loads(body)["checks"]["database"]["status"] == "OK"
    status, _, body = web.get("/admin/login/", headers={"Host": "localhost"})
    assert status == 200
    assert 'href="/static/admin/css/base.css"' in body.decode()
    status, headers, _ = web.get("/static/admin/css/base.css", headers={"Host": "localhost"})
    assert (status, headers["Content-Type"].split(";")[0]) == (200, "text/css")
    web.stop()
    assert json_lines(web.output())


def test_debug_can_be_turned_on_locally(local_env, monkeypatch):
    from .settings_loader import load_settings

    env = {k: v for k, v in local_env.items() if k in ("PANELAPP_LOCAL_DIR",)}
    assert load_settings("panelapp.settings.local", env, monkeypatch)["DEBUG"] is False
    assert load_settings("panelapp.settings.local", {**env, "DJANGO_DEBUG": "true"}, monkeypatch)["DEBUG"] is True
