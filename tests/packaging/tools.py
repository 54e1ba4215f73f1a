"""The command-line tools the packaging tests run, found where hack/setup.sh installs them.

A missing tool fails the test with the command that installs it; nothing is skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from localcluster import MissingToolError, Toolbox

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "helm" / "panelapp-operator"
CRD_NAME = "panelapps.panelapp.org"
# The Kubernetes version the chart is rendered and linted for (the local control plane's).
KUBERNETES_VERSION = Toolbox.from_environment().version("kubernetes")


def tool(name: str) -> Path:
    """helm, kubectl, kube-score, checkov: the pinned builds in the tools cache; hadolint: .venv."""
    if name == "hadolint":
        path = Path(sys.executable).parent / "hadolint"
        if not path.exists():
            pytest.fail(
                "hadolint is not installed in the Python environment: run `uv sync --extra dev --frozen` "
                "(or hack/setup.sh)",
                pytrace=False,
            )
        return path
    try:
        return Toolbox.from_environment().path(name)
    except MissingToolError as error:
        pytest.fail(f"{error}\nInstall every tool with: hack/setup.sh (make setup)", pytrace=False)


def run(
    argv: list, *, env: dict[str, str] | None = None, input: str | None = None, timeout: float = 300, cwd: Path = REPO
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in argv], env=env, input=input, capture_output=True, text=True, timeout=timeout, cwd=cwd
    )


def offline_helm_env(home: Path) -> dict[str, str]:
    """helm needs no cluster to lint or render, only folders of its own for cache and config."""
    env = dict(os.environ)
    for var in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        env[var] = str(home / var.lower())
    env["PATH"] = f"{tool('helm').parent}{os.pathsep}{env.get('PATH', '')}"  # checkov's helm runner calls helm
    env.pop("KUBECONFIG", None)
    return env


def helm_template(
    env: dict[str, str], *args: str, release: str = "panelapp-operator", namespace: str = "panelapp-operator"
) -> str:
    """`helm template` of the chart; a failure fails the test with helm's own message."""
    completed = run(
        [
            tool("helm"),
            "template",
            release,
            CHART,
            "--namespace",
            namespace,
            "--kube-version",
            KUBERNETES_VERSION,
            *args,
        ],
        env=env,
    )
    if completed.returncode != 0:
        pytest.fail(f"helm template {' '.join(args)} failed:\n{completed.stderr}", pytrace=False)
    return completed.stdout


def documents(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def checked(completed: subprocess.CompletedProcess, what: str) -> subprocess.CompletedProcess:
    """The completed process, or a test failure showing its output."""
    assert completed.returncode == 0, f"{what} failed:\n{completed.stdout}\n{completed.stderr}"
    return completed


def release_name() -> str:
    """Release names are unique: cluster-scoped objects (ClusterRoles) are named after them."""
    return f"pa-{uuid.uuid4().hex[:8]}"
