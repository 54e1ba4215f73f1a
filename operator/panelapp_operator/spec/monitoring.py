"""Metrics of the PanelApp pods: the port web and worker serve Prometheus metrics on, who may scrape
it through the NetworkPolicy, and the Prometheus Operator's PodMonitor."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from panelapp_operator.rules import Rule, SpecModel
from panelapp_operator.spec.core import NetworkPolicyPeer
from panelapp_operator.spec.patterns import PROMETHEUS_DURATION

DEFAULT_METRICS_PORT = 9100
# Where Prometheus usually runs (kube-prometheus-stack's namespace): the default scrapers.
DEFAULT_SCRAPER_NAMESPACE = "monitoring"
WEB_PORT = 8080  # the web container's own port; the metrics port must differ


class PodMonitorSpec(SpecModel):
    """A Prometheus Operator PodMonitor (monitoring.coreos.com/v1) selecting the web and worker pods'
    port named metrics. A PodMonitor and not a ServiceMonitor: the workers have no Service."""

    enabled: bool = Field(default=False, description="Create the PodMonitor (needs the Prometheus Operator's CRD).")
    interval: str = Field(
        default="30s",
        min_length=2,
        max_length=16,
        pattern=PROMETHEUS_DURATION,
        description="How often Prometheus scrapes each pod, e.g. 30s or 1m.",
    )
    labels: dict[str, str] | None = Field(
        default=None,
        max_length=32,
        description="Extra labels of the PodMonitor, e.g. {release: prometheus} to match a Prometheus's "
        "podMonitorSelector.",
    )


class MetricsSpec(SpecModel):
    """Prometheus metrics of web and worker (GET /metrics on port, METRICS_PORT in their environment,
    a container port named metrics)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!self.?podMonitor.?enabled.orValue(false) || self.?enabled.orValue(false)",
            message="podMonitor needs enabled: true (the pods serve no metrics otherwise)",
            field=".podMonitor",
            holds=lambda m: not m.pod_monitor.enabled or m.enabled,
        ),
        Rule(
            cel=f"self.?port.orValue({DEFAULT_METRICS_PORT}) != {WEB_PORT}",
            message=f"port {WEB_PORT} is the web server's own port; choose another",
            field=".port",
            holds=lambda m: m.port != WEB_PORT,
        ),
    )

    enabled: bool = Field(default=False, description="Serve metrics from web and worker.")
    port: int = Field(
        default=DEFAULT_METRICS_PORT, ge=1024, le=65535, description="Port of GET /metrics (METRICS_PORT)."
    )
    scrape_from: list[NetworkPolicyPeer] | None = Field(
        default=None,
        max_length=32,
        description="With networkPolicy enabled: the peers (networking/v1 NetworkPolicyPeers) let in on port. "
        f"Default: every pod of the namespace {DEFAULT_SCRAPER_NAMESPACE} "
        f"(namespaceSelector kubernetes.io/metadata.name: {DEFAULT_SCRAPER_NAMESPACE}).",
    )
    pod_monitor: PodMonitorSpec = Field(default_factory=PodMonitorSpec, description="Prometheus Operator PodMonitor.")
