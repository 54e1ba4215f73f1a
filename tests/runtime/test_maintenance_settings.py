"""The settings modules the image runs read the maintenance variables (runtime.maintenance)."""

import pytest

from .settings_loader import load_settings
from .test_environment import COMPLETE


@pytest.mark.parametrize("module, env", [("panelapp.settings.docker-aws", COMPLETE), ("panelapp.settings.local", {})])
def test_read_only_mode_and_banner_come_from_the_environment(module, env, monkeypatch, tmp_path):
    loaded = load_settings(
        module,
        {
            **env,
            "PANELAPP_LOCAL_DIR": str(tmp_path),
            "PANELAPP_READ_ONLY": "True",
            "PANELAPP_READ_ONLY_MESSAGE": "Back soon.",
            "PANELAPP_BANNER": "Hello",
        },
        monkeypatch,
    )
    assert (loaded["PANELAPP_READ_ONLY"], loaded["PANELAPP_READ_ONLY_MESSAGE"], loaded["PANELAPP_BANNER"]) == (
        True,
        "Back soon.",
        "Hello",
    )
    assert loaded["MIDDLEWARE"][-1] == "runtime.maintenance.ReadOnlyMiddleware"
    default = load_settings(module, {**env, "PANELAPP_LOCAL_DIR": str(tmp_path)}, monkeypatch)
    assert default["PANELAPP_READ_ONLY"] is False and default["PANELAPP_BANNER"] is None
