"""The mirror's variables (MIRROR_*): the optional beat run and the request limits, validated at start-up."""

from __future__ import annotations

import pytest

from runtime.environment import ConfigurationError

from .settings_loader import load_settings


def test_no_source_no_scheduled_mirror(tmp_path, monkeypatch):
    settings = load_settings("panelapp.settings.local", {"PANELAPP_LOCAL_DIR": str(tmp_path)}, monkeypatch)
    assert "mirror-panelapp" not in settings["CELERY_BEAT_SCHEDULE"]
    assert (settings["MIRROR_TIMEOUT"], settings["MIRROR_RETRIES"]) == (30, 3)
    assert "mirror" in settings["INSTALLED_APPS"]


def test_a_source_adds_the_beat_run_every_interval(tmp_path, monkeypatch):
    env = {
        "PANELAPP_LOCAL_DIR": str(tmp_path),
        "MIRROR_SOURCE_URL": "https://panelapp.example.org",
        "MIRROR_INTERVAL_MINUTES": "15",
        "MIRROR_TIMEOUT": "5",
        "MIRROR_RETRIES": "0",
    }
    settings = load_settings("panelapp.settings.local", env, monkeypatch)
    entry = settings["CELERY_BEAT_SCHEDULE"]["mirror-panelapp"]
    assert entry == {
        "task": "mirror.tasks.mirror_panelapp",
        "schedule": 15 * 60,
        "args": ("https://panelapp.example.org",),
    }
    assert "forget-completed-tasks" in settings["CELERY_BEAT_SCHEDULE"]
    assert (settings["MIRROR_TIMEOUT"], settings["MIRROR_RETRIES"]) == (5, 0)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MIRROR_SOURCE_URL", "panelapp.example.org", "MIRROR_SOURCE_URL must be a URL"),
        ("MIRROR_INTERVAL_MINUTES", "often", "MIRROR_INTERVAL_MINUTES must be a whole number"),
        ("MIRROR_TIMEOUT", "0", "MIRROR_TIMEOUT must be between 1 and 3600"),
        ("MIRROR_RETRIES", "11", "MIRROR_RETRIES must be between 0 and 10"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(tmp_path, monkeypatch, name, value, message):
    with pytest.raises(ConfigurationError, match=message):
        load_settings("panelapp.settings.local", {"PANELAPP_LOCAL_DIR": str(tmp_path), name: value}, monkeypatch)
