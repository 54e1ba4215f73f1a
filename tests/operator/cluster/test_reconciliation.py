"""Level-based reconciliation: drift repaired, zero writes when converged, the autoscaler never
fought, suspend honoured, and pods rolled when their configuration or Secrets change."""

from __future__ import annotations

from tests.operator import samples
from tests.operator.cluster.conftest import settle
from tests.operator.cluster.support import wait_for

CONFIG_HASH = "panelapp.org/config-hash"


def config_hash(kube, deployment="panelapp-web"):
    return kube.deployment(deployment).spec.template.metadata.annotations[CONFIG_HASH]


def test_drift_is_repaired(kube, ready_panelapp, operator):
    kube.apps.delete_namespaced_deployment("panelapp-worker", kube.namespace)
    kube.apps.patch_namespaced_deployment_scale("panelapp-web", kube.namespace, {"spec": {"replicas": 5}})
    kube.core.patch_namespaced_config_map("panelapp-config", kube.namespace, {"data": {"ALLOWED_HOSTS": "evil.org"}})
    kube.core.delete_namespaced_service("panelapp", kube.namespace)

    wait_for(
        lambda: (
            kube.apps.list_namespaced_deployment(kube.namespace, field_selector="metadata.name=panelapp-worker").items
        ),
        "the worker Deployment to come back",
    )
    wait_for(lambda: kube.deployment("panelapp-web").spec.replicas == 2, "web replicas to be restored")
    wait_for(
        lambda: (
            kube.core.read_namespaced_config_map("panelapp-config", kube.namespace).data["ALLOWED_HOSTS"]
            == "panelapp.example.org"
        ),
        "the ConfigMap to be restored",
    )
    wait_for(
        lambda: kube.core.list_namespaced_service(kube.namespace, field_selector="metadata.name=panelapp").items,
        "the Service to come back",
    )
    kube.wait_phase("Ready", describe=operator.log_tail)
    repairs = [e.message for e in kube.events() if e.reason == "DriftRepaired"]
    assert any("panelapp-worker" in m and "deleted" in m for m in repairs), repairs
    assert any("panelapp-web" in m and "replicas" in m for m in repairs), repairs


def test_a_converged_resync_costs_no_writes(kube, ready_panelapp, operator):
    def quiet():
        before = operator.counters()
        settle(1.5)
        after = operator.counters()
        return after["write"] == before["write"] and after

    start = wait_for(quiet, "the operator to go quiet after the install")
    versions = kube.resource_versions()
    settle(7)  # three resyncs at 2 s
    end = operator.counters()
    assert end["reconciles"] >= start["reconciles"] + 3, "resyncs should have reconciled"
    assert end["write"] == start["write"], (start, end)
    assert end["dry_run"] == start["dry_run"]
    assert kube.resource_versions() == versions


def test_the_autoscaler_is_never_fought(kube, ready_panelapp, operator):
    kube.patch_spec({"web": {"autoscaling": {"enabled": True, "minReplicas": 3, "maxReplicas": 6}}})
    wait_for(
        lambda: kube.autoscaling.list_namespaced_horizontal_pod_autoscaler(kube.namespace).items,
        "the HorizontalPodAutoscaler",
    )
    # The replicas were handed over, not dropped: the Deployment never fell back to 1.
    deployment = kube.deployment("panelapp-web")
    assert deployment.spec.replicas >= 2
    owners = [
        e.manager
        for e in deployment.metadata.managed_fields
        if e.manager == "panelapp-operator" and "f:replicas" in (e.fields_v1 or {}).get("f:spec", {})
    ]
    assert owners == [], "the operator must not own spec.replicas under an autoscaler"
    # The real HPA controller enforces minReplicas (3); the operator must leave that alone.
    wait_for(lambda: kube.deployment("panelapp-web").spec.replicas == 3, "the autoscaler to scale web to 3", timeout=60)
    kube.apps.patch_namespaced_deployment_scale("panelapp-web", kube.namespace, {"spec": {"replicas": 5}})
    settle(6)
    assert kube.deployment("panelapp-web").spec.replicas == 5
    kube.wait_phase("Ready", describe=operator.log_tail)
    assert kube.status()["components"]["web"]["replicas"] == 5


def test_suspend_stops_all_changes_until_resumed(kube, ready_panelapp, operator):
    kube.patch_spec({"suspend": True})
    kube.wait_phase("Suspended", describe=operator.log_tail)
    kube.apps.delete_namespaced_deployment("panelapp-worker", kube.namespace)
    kube.patch_spec({"image": samples.NEXT_IMAGE})
    kube.wait_phase("Suspended")
    settle(5)
    assert not kube.apps.list_namespaced_deployment(
        kube.namespace, field_selector="metadata.name=panelapp-worker"
    ).items
    assert not [j for j in kube.jobs("migrate") if j.metadata.annotations["panelapp.org/image"] == samples.NEXT_IMAGE]
    assert kube.image_of("panelapp-web") == samples.IMAGE
    assert "Suspended" in kube.event_reasons()

    kube.patch_spec({"suspend": False})
    kube.wait_phase("Ready", image=samples.NEXT_IMAGE, describe=operator.log_tail)
    assert kube.image_of("panelapp-worker") == samples.NEXT_IMAGE
    assert "Resumed" in kube.event_reasons()


def test_force_reload_and_config_changes_roll_the_pods(kube, ready_panelapp, operator):
    first = config_hash(kube)
    kube.patch_spec({"forceReload": "2026-11-26T12:00"})
    wait_for(lambda: config_hash(kube) != first, "forceReload to change the pod template")
    for deployment in ("panelapp-worker", "panelapp-beat"):
        assert config_hash(kube, deployment) == config_hash(kube)
    kube.wait_phase("Ready", describe=operator.log_tail)

    second = config_hash(kube)
    kube.patch_spec({"logLevel": "DEBUG"})
    wait_for(lambda: config_hash(kube) != second, "a config change to roll the pods")
    assert kube.core.read_namespaced_config_map("panelapp-config", kube.namespace).data["DJANGO_LOG_LEVEL"] == "DEBUG"
    kube.wait_phase("Ready", describe=operator.log_tail)


def test_a_rotated_secret_rolls_the_pods(kube, ready_panelapp, operator):
    before = config_hash(kube)
    web_generation = kube.deployment("panelapp-web").metadata.generation
    kube.replace_secret_data("panelapp-database", {"password": samples.DB_PASSWORD + "-rotated"})
    wait_for(lambda: config_hash(kube) != before, "the rotated Secret to roll the pods", timeout=30)
    assert kube.deployment("panelapp-web").metadata.generation > web_generation
    kube.wait_phase("Ready", describe=operator.log_tail)
    assert samples.DB_PASSWORD not in str(kube.panelapp())
