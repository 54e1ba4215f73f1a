"""The operator's own /metrics: what a Prometheus scrape of the operator process reads.

Served by prometheus-client from the controller's and the API client's live counters; these tests
scrape a real HTTP endpoint on loopback, as Prometheus would.
"""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator

import kubernetes
import pytest
from prometheus_client.parser import text_string_to_metric_families

from panelapp_operator import metrics
from panelapp_operator.controller import Controller
from panelapp_operator.kube import Kube


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served() -> Iterator[tuple[Controller, str]]:
    # No API server is contacted: the counters are driven directly, the way kube.py and the
    # workers drive them.
    controller = Controller(Kube(kubernetes.client.ApiClient()), workers=1, watch_references=False)
    port = _free_port()
    server = metrics.serve(controller, "127.0.0.1", port)
    try:
        yield controller, f"http://127.0.0.1:{port}/metrics"
    finally:
        server.shutdown()
        server.server_close()


def _scrape(url: str, accept: str | None = None) -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.headers["Content-Type"], response.read().decode()


def test_scrape_reports_live_reconciles_and_api_requests(served: tuple[Controller, str]) -> None:
    controller, url = served
    assert metrics.totals(_scrape(url)[1]) == {"reconciles": 0, "read": 0, "write": 0, "dry_run": 0}

    controller.kube.stats.count("GET", "Deployment")
    controller.kube.stats.count("PATCH", "Deployment")
    controller.kube.stats.count("PATCH", "Deployment")
    controller.kube.stats.count("PATCH", "Service", dry_run=True)
    controller._count("PanelApp", started=0.0, failed=False)
    controller._count("PanelApp", started=0.0, failed=True)

    content_type, text = _scrape(url)
    assert content_type.startswith("text/plain; version=0.0.4")
    assert metrics.totals(text) == {"reconciles": 2, "read": 1, "write": 2, "dry_run": 1}
    samples = metrics.parse(text)
    assert samples['panelapp_operator_api_requests_total{kind="Deployment",type="write",verb="PATCH"}'] == 2
    assert samples['panelapp_operator_reconciles_total{result="error"}'] == 1
    assert samples["panelapp_operator_queue_depth"] == 0


def test_reconcile_durations_are_a_histogram_by_kind_and_result(served: tuple[Controller, str]) -> None:
    controller, url = served
    controller.on_reconciled("PanelApp", 0.003, False)
    controller.on_reconciled("PanelApp", 0.2, False)
    controller.on_reconciled("PanelAppTask", 7.0, True)

    families = {family.name: family for family in text_string_to_metric_families(_scrape(url)[1])}
    histogram = families["panelapp_operator_reconcile_duration_seconds"]
    assert histogram.type == "histogram"
    buckets = {
        (s.labels["kind"], s.labels["result"], s.labels["le"]): s.value
        for s in histogram.samples
        if s.name.endswith("_bucket")
    }
    assert buckets[("PanelApp", "success", "0.005")] == 1
    assert buckets[("PanelApp", "success", "0.25")] == 2
    assert buckets[("PanelAppTask", "error", "5.0")] == 0
    assert buckets[("PanelAppTask", "error", "+Inf")] == 1


def test_openmetrics_on_request(served: tuple[Controller, str]) -> None:
    _, url = served
    content_type, text = _scrape(url, accept="application/openmetrics-text; version=1.0.0")
    assert content_type.startswith("application/openmetrics-text")
    assert text.rstrip().endswith("# EOF")
