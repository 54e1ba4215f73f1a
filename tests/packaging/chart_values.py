"""The value sets the chart is rendered with in the tests: its defaults (cluster-wide), the
namespaces mode, and everything optional switched on."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"
DIGEST = "sha256:" + "ab" * 32


def minimal_panelapp() -> dict:
    return yaml.safe_load((DATA / "panelapp-minimal.yaml").read_text())


def cluster_wide() -> list[str]:
    return []


def namespaces(*names: str) -> list[str]:
    return ["--set", "watch.scope=namespaces", "--set", f"watch.namespaces={{{','.join(names)}}}"]


def everything(*names: str, panelapp_namespace: str | None = None) -> list[str]:
    """Namespaces mode with every optional object: metrics Service, ServiceMonitor, the Grafana
    dashboard, a PanelApp, a pinned digest and a pull secret."""
    args = [
        *namespaces(*names),
        "--set",
        "metrics.enabled=true",
        "--set",
        "metrics.serviceMonitor.enabled=true",
        "--set",
        "grafanaDashboard.enabled=true",
        "--set",
        "panelApp.create=true",
        "--set-json",
        f"panelApp.spec={json.dumps(minimal_panelapp()['spec'])}",
        "--set",
        f"image.digest={DIGEST}",
        "--set",
        "imagePullSecrets[0].name=regcred",
    ]
    if panelapp_namespace:
        args += ["--set", f"panelApp.namespace={panelapp_namespace}"]
    return args
