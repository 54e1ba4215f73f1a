"""Load a settings module as the image would, with a given environment, without touching the
test process's own Django settings."""

from __future__ import annotations

import os
import runpy

import pytest

from runtime import contract


def load_settings(module: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict:
    """The namespace of ``module`` executed with exactly the contract variables in ``env``."""
    for name in list(os.environ):
        if contract.reads(name) or name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_module(module, run_name=f"{module}_under_test")
