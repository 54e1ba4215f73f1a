"""Gunicorn configuration of the web command (``gunicorn --config python:panelapp.gunicorn_config``).

Every environment variable ``GUNICORN_<SETTING>`` sets that gunicorn setting (``GUNICORN_WORKERS=3``
-> ``workers = "3"``; gunicorn's own validators convert the text). A name gunicorn does not know
is an error that names the variable and the closest real setting: a typo such as
``GUNICORN_WORKER`` must not be silently ignored. Logs are JSON lines at DJANGO_LOG_LEVEL.
"""
from __future__ import annotations

import difflib
import os
from typing import Mapping

from panelapp import contract
from panelapp.environment import ConfigurationError, EnvironmentReader
from panelapp.logs import logging_config

#: The image's defaults (PanelApp's Dockerfile-web), overridable like any other setting. Gunicorn's
#: control socket is off: pods are managed by Kubernetes, and its default path under $HOME may not
#: be writable in the container.
DEFAULTS = {"workers": "8", "timeout": "300", "bind": f"0.0.0.0:{contract.WEB_PORT}", "backlog": "4096",
            "control_socket_disable": "true"}


def known_settings() -> set[str]:
    from gunicorn.config import KNOWN_SETTINGS

    return {setting.name for setting in KNOWN_SETTINGS}


def settings_from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Gunicorn settings from GUNICORN_* variables over DEFAULTS.

    Raises ConfigurationError naming every unknown setting and every value gunicorn's own
    validators refuse, so that the web command can stop with one clear message instead of
    gunicorn's plain-text error for the first of them.
    """
    from gunicorn.config import Config

    known = known_settings()
    values = dict(DEFAULTS)
    problems = []
    for variable, value in sorted(environ.items()):
        if not variable.startswith(contract.GUNICORN_PREFIX) or variable == contract.GUNICORN_CMD_ARGS:
            continue
        name = variable[len(contract.GUNICORN_PREFIX):].lower()
        if name in known:
            values[name] = value
            continue
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean GUNICORN_{close[0].upper()}?)" if close else ""
        problems.append(f"{variable} is not a gunicorn setting{hint}")
    probe = Config()
    for name, value in values.items():
        if name in known:
            try:
                probe.set(name, value)
            except (TypeError, ValueError) as error:
                problems.append(f"GUNICORN_{name.upper()} is not a valid {name}: {error}")
    if problems:
        raise ConfigurationError(problems, "panelapp.gunicorn_config")
    return values


_reader = EnvironmentReader(os.environ, production=False)
_level = _reader.log_level("DJANGO_LOG_LEVEL")
_reader.raise_if_problems("panelapp.gunicorn_config")

loglevel = _level.lower()
logconfig_dict = logging_config(_level)
globals().update(settings_from_environment(os.environ))
