"""The Kubernetes kinds the operator reads and writes, and where their API lives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from panelapp_operator import spec as api


@dataclass(frozen=True)
class Kind:
    kind: str
    group: str  # "" for the core group
    version: str
    plural: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


PANELAPP = Kind(api.KIND, api.GROUP, api.VERSION, api.PLURAL)
PANELAPP_TASK = Kind("PanelAppTask", api.GROUP, api.VERSION, "panelapptasks")
DEPLOYMENT = Kind("Deployment", "apps", "v1", "deployments")
JOB = Kind("Job", "batch", "v1", "jobs")
CONFIG_MAP = Kind("ConfigMap", "", "v1", "configmaps")
SECRET = Kind("Secret", "", "v1", "secrets")
SERVICE = Kind("Service", "", "v1", "services")
SERVICE_ACCOUNT = Kind("ServiceAccount", "", "v1", "serviceaccounts")
INGRESS = Kind("Ingress", "networking.k8s.io", "v1", "ingresses")
NETWORK_POLICY = Kind("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies")
AUTOSCALER = Kind("HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers")
DISRUPTION_BUDGET = Kind("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets")
POD = Kind("Pod", "", "v1", "pods")
# Kinds of other projects' CRDs, rendered only when the spec asks for them; a cluster may lack them.
POD_MONITOR = Kind("PodMonitor", "monitoring.coreos.com", "v1", "podmonitors")
SCALED_OBJECT = Kind("ScaledObject", "keda.sh", "v1alpha1", "scaledobjects")
TRIGGER_AUTHENTICATION = Kind("TriggerAuthentication", "keda.sh", "v1alpha1", "triggerauthentications")
# What installs each such kind, for the message when its CRD is missing.
OPTIONAL_KINDS = {
    POD_MONITOR.kind: ("the Prometheus Operator", "spec.metrics.podMonitor"),
    SCALED_OBJECT.kind: ("KEDA", "spec.worker.autoscaling.queue"),
    TRIGGER_AUTHENTICATION.kind: ("KEDA", "spec.worker.autoscaling.queue"),
}

# Children the operator owns and watches (label-selected, server-side), i.e. the contents of its
# cache. Secrets are deliberately absent: the operator never streams Secret data; it reads the
# metadata of the few Secrets it needs by name.
CHILD_KINDS = (
    DEPLOYMENT,
    JOB,
    CONFIG_MAP,
    SERVICE,
    SERVICE_ACCOUNT,
    INGRESS,
    NETWORK_POLICY,
    AUTOSCALER,
    DISRUPTION_BUDGET,
    POD_MONITOR,
    SCALED_OBJECT,
    TRIGGER_AUTHENTICATION,
)
# Children removed when the spec no longer asks for them: every child kind but Jobs, which follow
# the upgrade's own cleanup.
PRUNABLE_KINDS = tuple(kind for kind in CHILD_KINDS if kind is not JOB)
# The pods of the backup, migration, collectstatic and task Jobs are watched too (they are few and
# short-lived; names.JOB_POD_SELECTOR picks them): a pod that exited 0 is the fastest sign that a
# step of an upgrade, or a task, is done.
WATCHED_KINDS = (*CHILD_KINDS, POD)
BY_KIND = {kind.kind: kind for kind in (PANELAPP, PANELAPP_TASK, SECRET, *WATCHED_KINDS)}


def of(manifest: Mapping[str, Any]) -> Kind:
    return BY_KIND[manifest["kind"]]


def crd_name(kind: Kind) -> str:
    return f"{kind.plural}.{kind.group}"
