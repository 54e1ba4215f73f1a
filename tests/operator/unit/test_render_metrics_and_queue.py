"""Metrics (METRICS_PORT, the port named metrics, the NetworkPolicy, the PodMonitor) and KEDA on the
queue (ScaledObject, TriggerAuthentication, the worker's replicas left to KEDA)."""

from __future__ import annotations

from panelapp_operator import kinds, names

# The app's machine-readable contract (app/runtime/contract.py, standard library only).
from runtime import contract
from tests.operator import samples
from tests.operator.unit.render_helpers import children, container, env_of

METRICS = {"enabled": True}
QUEUE = {"queue": {"enabled": True}}


def _queue_spec(**queue):
    return samples.minimal_spec(
        queue={"name": "panelapp", "url": samples.QUEUE_URL},
        worker={"autoscaling": {"queue": {"enabled": True, **queue}}},
    )


def test_without_the_new_fields_nothing_new_is_rendered():
    rendered = children(samples.minimal_spec(networkPolicy={"enabled": True}))
    assert {kind for kind, _ in rendered} & {"PodMonitor", "ScaledObject", "TriggerAuthentication"} == set()
    for component in ("web", "worker"):
        deployment = rendered[("Deployment", f"panelapp-{component}")]
        assert "METRICS_PORT" not in env_of(deployment)
        assert all(port["name"] != "metrics" for port in container(deployment).get("ports", ()))
    assert len(rendered[("NetworkPolicy", "panelapp")]["spec"]["ingress"]) == 1
    assert "SQS_QUEUE_URL" not in rendered[("ConfigMap", "panelapp-config")]["data"]


def test_metrics_reach_web_and_worker_only():
    rendered = children(samples.minimal_spec(metrics={"enabled": True, "port": 9200}))
    for component in ("web", "worker"):
        deployment = rendered[("Deployment", f"panelapp-{component}")]
        assert env_of(deployment)["METRICS_PORT"] == {"name": "METRICS_PORT", "value": "9200"}
        assert {"name": "metrics", "containerPort": 9200, "protocol": "TCP"} in container(deployment)["ports"]
    beat = rendered[("Deployment", "panelapp-beat")]
    assert "METRICS_PORT" not in env_of(beat) and "ports" not in container(beat)
    assert ("PodMonitor", "panelapp") not in rendered


def test_the_network_policy_lets_the_scrapers_in_on_the_metrics_port():
    default = children(samples.minimal_spec(networkPolicy={"enabled": True}, metrics=METRICS))
    rules = default[("NetworkPolicy", "panelapp")]["spec"]["ingress"]
    assert rules[1] == {
        "ports": [{"protocol": "TCP", "port": 9100}],
        "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
    }
    peers = [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}]
    chosen = children(
        samples.minimal_spec(networkPolicy={"enabled": True}, metrics={"enabled": True, "scrapeFrom": peers})
    )
    assert chosen[("NetworkPolicy", "panelapp")]["spec"]["ingress"][1]["from"] == peers


def test_the_pod_monitor_selects_the_metrics_port_of_web_and_worker():
    rendered = children(
        samples.minimal_spec(
            metrics={"enabled": True, "podMonitor": {"enabled": True, "labels": {"release": "prometheus"}}}
        )
    )
    monitor = rendered[("PodMonitor", "panelapp")]
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    assert monitor["metadata"]["labels"][names.LABEL_MANAGED_BY] == names.MANAGED_BY
    assert monitor["metadata"]["ownerReferences"][0]["uid"] == "0a1b2c3d-uid"
    assert monitor["spec"]["podMetricsEndpoints"] == [{"port": "metrics", "path": "/metrics", "interval": "30s"}]
    assert monitor["spec"]["selector"]["matchExpressions"][0]["values"] == ["web", "worker"]


def test_a_pod_monitor_label_cannot_replace_the_operator_labels():
    rendered = children(
        samples.minimal_spec(
            metrics={
                "enabled": True,
                "podMonitor": {"enabled": True, "labels": {names.LABEL_MANAGED_BY: "someone-else"}},
            }
        )
    )
    assert rendered[("PodMonitor", "panelapp")]["metadata"]["labels"][names.LABEL_MANAGED_BY] == names.MANAGED_BY


def test_queue_autoscaling_renders_a_scaled_object_with_pod_identity():
    rendered = children(_queue_spec(messagesPerWorker=20, minReplicas=0, maxReplicas=8))
    scaled = rendered[("ScaledObject", "panelapp-worker")]
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    assert scaled["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "panelapp-worker",
    }
    assert (scaled["spec"]["minReplicaCount"], scaled["spec"]["maxReplicaCount"]) == (0, 8)
    assert (scaled["spec"]["pollingInterval"], scaled["spec"]["cooldownPeriod"]) == (30, 300)
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "aws-sqs-queue"
    assert trigger["authenticationRef"] == {"name": "panelapp-worker-queue"}
    assert trigger["metadata"] == {
        "queueURL": samples.QUEUE_URL,
        "queueLength": "20",
        "activationQueueLength": "0",
        "awsRegion": "eu-west-2",
    }
    authentication = rendered[("TriggerAuthentication", "panelapp-worker-queue")]
    assert authentication["spec"] == {"podIdentity": {"provider": "aws", "identityOwner": "workload"}}
    # The app reads the same queue.
    assert rendered[("ConfigMap", "panelapp-config")]["data"]["SQS_QUEUE_URL"] == samples.QUEUE_URL
    assert ("HorizontalPodAutoscaler", "panelapp-worker") not in rendered


def test_an_own_trigger_authentication_and_endpoint_are_used_as_given():
    rendered = children(
        _queue_spec(authentication={"triggerAuthenticationName": "sqs-keys"}, awsEndpoint="http://127.0.0.1:5000")
    )
    trigger = rendered[("ScaledObject", "panelapp-worker")]["spec"]["triggers"][0]
    assert trigger["authenticationRef"] == {"name": "sqs-keys"}
    assert trigger["metadata"]["awsEndpoint"] == "http://127.0.0.1:5000"
    assert not [key for key in rendered if key[0] == "TriggerAuthentication"]


def test_the_operator_leaves_the_worker_replicas_to_keda():
    assert "replicas" not in children(_queue_spec())[("Deployment", "panelapp-worker")]["spec"]
    # A new Deployment starts with one worker (KEDA then scales it to zero on an empty queue)...
    new = children(_queue_spec(minReplicas=0), new_deployments=frozenset({"worker"}))
    assert new[("Deployment", "panelapp-worker")]["spec"]["replicas"] == 1
    # ... or at minReplicas when that is more.
    new = children(_queue_spec(minReplicas=3), new_deployments=frozenset({"worker"}))
    assert new[("Deployment", "panelapp-worker")]["spec"]["replicas"] == 3


def test_stopped_workers_have_no_scaled_object():
    rendered = children(_queue_spec(), quiesce=True)
    assert rendered[("Deployment", "panelapp-worker")]["spec"]["replicas"] == 0
    assert ("ScaledObject", "panelapp-worker") not in rendered


def test_the_new_kinds_are_watched_and_pruned():
    for kind in (kinds.POD_MONITOR, kinds.SCALED_OBJECT, kinds.TRIGGER_AUTHENTICATION):
        assert kind in kinds.CHILD_KINDS and kind in kinds.PRUNABLE_KINDS
        assert kind.kind in kinds.OPTIONAL_KINDS
    assert kinds.crd_name(kinds.POD_MONITOR) == "podmonitors.monitoring.coreos.com"


def test_the_new_variables_are_ones_the_app_reads():
    rendered = children(samples.minimal_spec(metrics=METRICS, queue={"name": "panelapp", "url": samples.QUEUE_URL}))
    names_found = set(rendered[("ConfigMap", "panelapp-config")]["data"]) | set(
        env_of(rendered[("Deployment", "panelapp-worker")])
    )
    assert {"METRICS_PORT", "SQS_QUEUE_URL"} <= names_found
    assert contract.reads("METRICS_PORT") and contract.reads("SQS_QUEUE_URL")
