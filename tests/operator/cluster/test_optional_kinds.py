"""Kinds of other projects' CRDs: the Prometheus Operator's PodMonitor and KEDA's ScaledObject and
TriggerAuthentication, applied from their real CRDs (tests/operator/crds/, sources noted in each
file). Without the CRD the PanelApp says which one is missing (ConfigValid=False, MissingCRD)
and nothing is applied; once it is installed the operator creates the objects, and the API
server's schema validation accepts them."""

from __future__ import annotations

import pytest

from tests.operator import samples
from tests.operator.cluster.support import wait_for

CRDS = samples.REPO / "tests" / "operator" / "crds"
POD_MONITOR_CRD = "podmonitors.monitoring.coreos.com"
KEDA_CRDS = ("scaledobjects.keda.sh", "triggerauthentications.keda.sh")


def _remove_crds(cluster, *crds: str) -> None:
    cluster.kubectl("delete", "crd", *crds, "--ignore-not-found", "--wait=true")


def _custom(kube, group, version, plural, name):
    return kube.custom.get_namespaced_custom_object(group, version, kube.namespace, plural, name)


def _wait_missing_crd(kube, operator, crd: str, project: str) -> None:
    condition = wait_for(
        lambda: (c := kube.condition("ConfigValid")).get("reason") == "MissingCRD" and c,
        "ConfigValid=False with reason MissingCRD",
        describe=operator.log_tail,
    )
    assert condition["status"] == "False"
    assert crd in condition["message"] and project in condition["message"], condition["message"]
    wait_for(lambda: "MissingCRD" in kube.event_reasons(), "a MissingCRD Event")
    warning = next(e for e in kube.events() if e.reason == "MissingCRD")
    assert warning.type == "Warning" and crd in warning.message
    # Nothing was applied meanwhile.
    assert kube.apps.list_namespaced_deployment(kube.namespace).items == []


@pytest.fixture
def no_pod_monitor_crd(cluster):
    _remove_crds(cluster, POD_MONITOR_CRD)


@pytest.fixture
def no_keda_crds(cluster):
    _remove_crds(cluster, *KEDA_CRDS)


def test_a_pod_monitor_waits_for_its_crd_then_passes_the_schema(
    cluster, kube, database_secret, no_pod_monitor_crd, operator
):
    kube.create_panelapp(
        samples.minimal_spec(
            networkPolicy={"enabled": True},
            metrics={"enabled": True, "podMonitor": {"enabled": True, "labels": {"release": "prometheus"}}},
        )
    )
    _wait_missing_crd(kube, operator, POD_MONITOR_CRD, "Prometheus Operator")

    cluster.apply_crds(CRDS / "monitoring.coreos.com_podmonitors.yaml")
    kube.wait_phase("Ready", image=samples.IMAGE, describe=operator.log_tail)
    monitor = _custom(kube, "monitoring.coreos.com", "v1", "podmonitors", "panelapp")
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    assert monitor["metadata"]["ownerReferences"][0]["kind"] == "PanelApp"
    assert monitor["spec"]["podMetricsEndpoints"] == [{"port": "metrics", "path": "/metrics", "interval": "30s"}]
    web = kube.deployment("panelapp-web").spec.template.spec.containers[0]
    assert any(port.name == "metrics" and port.container_port == 9100 for port in web.ports)
    assert {"METRICS_PORT": "9100"}.items() <= {var.name: var.value for var in web.env}.items()

    # Turned off, the PodMonitor goes.
    kube.patch_spec({"metrics": {"podMonitor": {"enabled": False}}})
    wait_for(
        lambda: (
            not kube.custom.list_namespaced_custom_object("monitoring.coreos.com", "v1", kube.namespace, "podmonitors")[
                "items"
            ]
        ),
        "the PodMonitor to be pruned",
        describe=operator.log_tail,
    )


def _replica_owners(deployment) -> list[str]:
    return [
        entry.manager
        for entry in deployment.metadata.managed_fields or ()
        if "f:replicas" in ((entry.fields_v1 or {}).get("f:spec") or {})
    ]


def test_keda_objects_wait_for_their_crds_then_pass_the_schema(cluster, kube, database_secret, no_keda_crds, operator):
    kube.create_panelapp(
        samples.minimal_spec(
            queue={"name": "panelapp", "url": samples.QUEUE_URL},
            serviceAccount={"roleARN": "arn:aws:iam::123456789012:role/panelapp"},
            worker={"autoscaling": {"queue": {"enabled": True, "maxReplicas": 6, "messagesPerWorker": 10}}},
        )
    )
    _wait_missing_crd(kube, operator, "keda.sh", "KEDA")

    cluster.apply_crds(CRDS / "keda.sh_scaledobjects.yaml", CRDS / "keda.sh_triggerauthentications.yaml")
    kube.wait_phase("Ready", image=samples.IMAGE, describe=operator.log_tail)
    scaled = _custom(kube, "keda.sh", "v1alpha1", "scaledobjects", "panelapp-worker")
    assert scaled["spec"]["maxReplicaCount"] == 6 and scaled["spec"]["minReplicaCount"] == 0
    assert scaled["spec"]["triggers"][0]["metadata"]["queueURL"] == samples.QUEUE_URL
    assert scaled["spec"]["triggers"][0]["metadata"]["queueLength"] == "10"
    authentication = _custom(kube, "keda.sh", "v1alpha1", "triggerauthentications", "panelapp-worker-queue")
    assert authentication["spec"]["podIdentity"] == {"provider": "aws", "identityOwner": "workload"}

    # The worker started with one replica and the count was handed over: the operator no longer
    # sets it, so what KEDA sets stays.
    wait_for(
        lambda: "panelapp-operator" not in _replica_owners(kube.deployment("panelapp-worker")),
        "the operator to hand the worker's replicas over",
        describe=operator.log_tail,
    )
    kube.apps.patch_namespaced_deployment_scale("panelapp-worker", kube.namespace, {"spec": {"replicas": 4}})
    before = operator.counters()
    wait_for(lambda: operator.counters().get("reconciles", 0) > before.get("reconciles", 0) + 2, "a few resyncs")
    assert kube.deployment("panelapp-worker").spec.replicas == 4
