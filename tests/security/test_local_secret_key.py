"""F14: the embedded default never signs with a key written in the source."""

import os
import stat

from django.core import signing

from tests.runtime.settings_loader import load_settings

PUBLISHED = "insecure-local-key-for-the-embedded-default-only"


def test_a_random_key_is_made_once_per_local_folder_and_reused(tmp_path, monkeypatch):
    first = load_settings("panelapp.settings.local", {"PANELAPP_LOCAL_DIR": str(tmp_path / "a")}, monkeypatch)
    again = load_settings("panelapp.settings.local", {"PANELAPP_LOCAL_DIR": str(tmp_path / "a")}, monkeypatch)
    other = load_settings("panelapp.settings.local", {"PANELAPP_LOCAL_DIR": str(tmp_path / "b")}, monkeypatch)
    assert first["SECRET_KEY"] == again["SECRET_KEY"] != other["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 50 and PUBLISHED not in first["SECRET_KEY"]
    key_file = tmp_path / "a" / "secret_key"
    assert key_file.read_text() == first["SECRET_KEY"]
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    env = {"PANELAPP_LOCAL_DIR": str(tmp_path), "SECRET_KEY": "k" * 40}
    assert load_settings("panelapp.settings.local", env, monkeypatch)["SECRET_KEY"] == "k" * 40
    assert not (tmp_path / "secret_key").exists()


def test_a_link_signed_with_the_old_published_key_is_refused(tmp_path, monkeypatch):
    key = load_settings("panelapp.settings.local", {"PANELAPP_LOCAL_DIR": str(tmp_path)}, monkeypatch)["SECRET_KEY"]
    forged = signing.TimestampSigner(key=PUBLISHED, salt="panelapp.accounts.verify-email").sign("1")
    try:
        signing.TimestampSigner(key=key, salt="panelapp.accounts.verify-email").unsign(forged)
    except signing.BadSignature:
        return
    raise AssertionError("a link signed with the published key was accepted")
