"""Prometheus metrics of the operator itself, served over plain HTTP (GET /metrics).

kopf's liveness endpoint caches probe results for ten seconds, which is right for liveness but
wrong for measuring; this endpoint answers from the live counters. The exposition is
prometheus-client's (text format, content negotiation, OpenMetrics on request): the controller and
kube.py keep their own counters, and a collector reads them at scrape time, so neither needs the
library and a scrape never races a reconcile.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Histogram, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from panelapp_operator.controller import Controller

log = logging.getLogger(__name__)

# Reconciles are a few milliseconds when nothing changed and up to seconds when many children are
# written; the buckets cover both ends.
RECONCILE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class OperatorCollector(Collector):
    """The controller's and the API client's counters, read when Prometheus scrapes."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller

    def collect(self) -> Iterator[Metric]:
        stats = self.controller.stats()
        reconciles = CounterMetricFamily(
            "panelapp_operator_reconciles", "Reconciles run, by result.", labels=["result"]
        )
        reconciles.add_metric(["success"], stats["reconciles"] - stats["failures"])
        reconciles.add_metric(["error"], stats["failures"])
        yield reconciles
        yield GaugeMetricFamily(
            "panelapp_operator_queue_depth", "PanelApps and tasks waiting to be reconciled.", stats["queued"]
        )
        yield GaugeMetricFamily("panelapp_operator_panelapps", "PanelApps known to the operator.", stats["panelapps"])
        yield GaugeMetricFamily(
            "panelapp_operator_cached_objects", "Objects held in the watch cache.", stats["cached_objects"]
        )
        requests = CounterMetricFamily(
            "panelapp_operator_api_requests",
            "Requests to the API server, by kind of request.",
            labels=["type", "verb", "kind"],
        )
        for label, verb, kind, count in self.controller.kube.stats.samples():
            requests.add_metric([label, verb, kind], count)
        yield requests


def registry_for(controller: Controller) -> CollectorRegistry:
    """A registry of its own (not the process-global one) with the operator's metrics."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(OperatorCollector(controller))
    durations = Histogram(
        "panelapp_operator_reconcile_duration_seconds",
        "Time one reconcile took, by kind of object and result.",
        labelnames=["kind", "result"],
        buckets=RECONCILE_BUCKETS,
        registry=registry,
    )

    def observe(kind: str, seconds: float, failed: bool) -> None:
        durations.labels(kind=kind, result="error" if failed else "success").observe(seconds)

    controller.on_reconciled = observe
    return registry


def serve(controller: Controller, host: str, port: int) -> WSGIServer:
    server, _thread = start_http_server(port, addr=host, registry=registry_for(controller))
    log.info("serving metrics at http://%s:%d/metrics", host, port)
    return server


def parse(text: str) -> dict[str, float]:
    """Sample name with its labels in name order -> value (for tests and the benchmark)."""
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{key}="{value}"' for key, value in sample.labels.items())
            samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return samples


def totals(text: str) -> dict[str, float]:
    """Reconciles, and API reads, writes and dry runs, summed over labels (tests and the benchmark)."""
    sums = {"reconciles": 0.0, "read": 0.0, "write": 0.0, "dry_run": 0.0}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "panelapp_operator_reconciles_total":
                sums["reconciles"] += sample.value
            elif sample.name == "panelapp_operator_api_requests_total":
                sums[sample.labels["type"]] += sample.value
    return sums
