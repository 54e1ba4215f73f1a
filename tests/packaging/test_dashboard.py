"""The chart's Grafana dashboard (helm/panelapp-operator/dashboards/panelapp.json): a ConfigMap for
Grafana's sidecar only when asked, valid JSON, and every metric and label it queries one that the
app (runtime.metrics) or the operator (panelapp_operator/metrics.py) exports, so a typo fails."""

from __future__ import annotations

import json
import re

import pytest

from runtime.metrics import definitions
from runtime.metrics.queue import QueueCollector
from tests.packaging.tools import CHART, documents, helm_template

DASHBOARD = CHART / "dashboards" / "panelapp.json"
#: Labels Prometheus adds to every series it scrapes from a pod (PodMonitor, ServiceMonitor).
TARGET_LABELS = {"namespace", "pod", "container", "instance", "job", "service", "endpoint"}
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


@pytest.fixture(scope="module")
def helm_env(tmp_path_factory):
    from tests.packaging.tools import offline_helm_env

    return offline_helm_env(tmp_path_factory.mktemp("helm"))


def app_series() -> dict[str, set[str]]:
    """{series name: its labels} of the app's metrics, as prometheus_client writes them."""
    families = [
        (metric.describe()[0], set(metric._labelnames))  # the label names a metric was declared with
        for metric in definitions.METRICS
    ]
    queue = QueueCollector("panelapp", dict)
    families += [(family, {"queue", "state"} if family.type == "gauge" else set()) for family in queue.describe()]
    series = {}
    for family, labels in families:
        for suffix in SUFFIXES[family.type]:
            series[family.name + suffix] = labels | ({"le"} if suffix == "_bucket" else set())
    return series


def operator_series() -> dict[str, set[str]]:
    """{series name: its labels} of the operator's metrics, as its registry writes them."""
    import kubernetes
    from prometheus_client import generate_latest
    from prometheus_client.parser import text_string_to_metric_families

    from panelapp_operator import metrics
    from panelapp_operator.controller import Controller
    from panelapp_operator.kube import Kube

    controller = Controller(Kube(kubernetes.client.ApiClient()), workers=1, watch_references=False)
    registry = metrics.registry_for(controller)
    # One sample of every labelled series, so each label shows in the exposition.
    controller.kube.stats.count("GET", "Deployment")
    controller.on_reconciled("PanelApp", 0.01, False)
    series: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(generate_latest(registry).decode()):
        for sample in family.samples:
            series.setdefault(sample.name, set()).update(sample.labels)
    return series


def exported() -> dict[str, set[str]]:
    both = {**app_series(), **operator_series()}
    assert len(both) > 15, both
    return both


def queries(dashboard: dict) -> list[tuple[str, str]]:
    """(PromQL, legend format) of every panel target and every query variable."""
    found = [
        (target["expr"], target.get("legendFormat", ""))
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            found.append((variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"], ""))
    return found


def metric_names(expr: str) -> set[str]:
    return set(re.findall(r"\bpanelapp_\w+", expr))


def label_names(expr: str, legend: str) -> set[str]:
    names = set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)\s*\"", expr))
    for group in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr):
        names |= {name.strip() for name in group.split(",") if name.strip()}
    names |= set(re.findall(r"label_values\(\w+,\s*(\w+)\)", expr))
    return names | set(re.findall(r"\{\{\s*(\w+)\s*\}\}", legend))


def test_the_dashboard_is_valid_json_with_panels_that_query():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] and dashboard["title"]
    panels = [panel for panel in dashboard["panels"] if panel["type"] != "row"]
    assert len(panels) >= 12
    assert all(panel.get("targets") and all(t["expr"].strip() for t in panel["targets"]) for panel in panels)
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])


def test_every_metric_and_label_the_dashboard_queries_is_exported():
    series = exported()
    dashboard = json.loads(DASHBOARD.read_text())
    for expr, legend in queries(dashboard):
        names = metric_names(expr)
        assert names, f"queries no PanelApp metric: {expr}"
        unknown = names - set(series)
        assert not unknown, f"{sorted(unknown)} is exported by neither the app nor the operator: {expr}"
        allowed = set().union(*(series[name] for name in names)) | TARGET_LABELS
        assert label_names(expr, legend) <= allowed, f"unknown label in {expr!r} / {legend!r}; known: {sorted(allowed)}"


def test_every_app_metric_is_on_the_dashboard():
    used = set().union(*(metric_names(expr) for expr, _ in queries(json.loads(DASHBOARD.read_text()))))
    families = [metric.describe()[0].name for metric in definitions.METRICS]
    families += [family.name for family in QueueCollector("panelapp", dict).describe()]
    for family in [*families, "panelapp_operator_reconciles_total", "panelapp_operator_queue_depth"]:
        assert any(name.startswith(family) for name in used), f"{family} is on no panel"


def test_the_check_catches_a_typo():
    typo = {"panels": [{"targets": [{"expr": "rate(panelapp_http_request_total[5m])"}]}], "templating": {"list": []}}
    [(expr, _)] = queries(typo)
    assert metric_names(expr) - set(exported()) == {"panelapp_http_request_total"}
    assert not label_names('sum by (veiw) (panelapp_http_requests_total{status="500"})', "") <= (
        app_series()["panelapp_http_requests_total"] | TARGET_LABELS
    )


def dashboards(objects: list[dict]) -> list[dict]:
    return [obj for obj in objects if obj["kind"] == "ConfigMap" and obj["metadata"]["name"].endswith("-dashboard")]


def test_the_chart_ships_the_dashboard_only_when_asked(helm_env):
    assert dashboards(documents(helm_template(helm_env))) == []
    objects = documents(
        helm_template(
            helm_env,
            "--set",
            "grafanaDashboard.enabled=true",
            "--set",
            "grafanaDashboard.namespace=monitoring",
            "--set",
            "grafanaDashboard.labels.release=prometheus",
            "--set",
            "grafanaDashboard.annotations.grafana_folder=PanelApp",
        )
    )
    [config_map] = dashboards(objects)
    metadata = config_map["metadata"]
    assert metadata["namespace"] == "monitoring"
    assert metadata["labels"]["grafana_dashboard"] == "1"
    assert metadata["labels"]["release"] == "prometheus"
    assert metadata["labels"]["app.kubernetes.io/part-of"] == "panelapp"
    assert metadata["annotations"] == {"grafana_folder": "PanelApp"}
    assert json.loads(config_map["data"]["panelapp.json"]) == json.loads(DASHBOARD.read_text())

    [plain] = dashboards(documents(helm_template(helm_env, "--set", "grafanaDashboard.enabled=true")))
    assert plain["metadata"]["namespace"] == "panelapp-operator"  # the release's
    assert "annotations" not in plain["metadata"]
