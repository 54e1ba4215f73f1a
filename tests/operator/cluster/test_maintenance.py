"""Maintenance on the local control plane: a Maintenance upgrade turns web read-only and stops worker
and beat before its migration starts and leaves maintenance with the rollout; the standing switch
and the banner reach the pods' configuration."""

from __future__ import annotations

import threading
import time

from kubernetes import client, watch

from tests.operator import samples
from tests.operator.cluster.support import wait_for


def config(kube) -> dict:
    return kube.core.read_namespaced_config_map("panelapp-config", kube.namespace).data


class Recorder:
    """Every change to the namespace's Deployments, Jobs, pods and ConfigMaps, in etcd order
    (resourceVersions are one sequence across kinds): KWOK's stand-in pods start and stop within
    milliseconds, too fast to catch by polling, but the order of the changes is what the test is
    about."""

    def __init__(self, kube):
        self.kube, self.seen, self.streams = kube, [], []
        listers = (
            kube.apps.list_namespaced_deployment,
            kube.batch.list_namespaced_job,
            kube.core.list_namespaced_pod,
            kube.core.list_namespaced_config_map,
        )
        for lister in listers:
            stream = watch.Watch()
            self.streams.append(stream)
            threading.Thread(target=self._record, args=(stream, lister), daemon=True).start()
        time.sleep(0.5)

    def _record(self, stream, lister):
        try:
            for event in stream.stream(lister, self.kube.namespace, timeout_seconds=180):
                obj = event["object"]
                self.seen.append((int(obj.metadata.resource_version), event["type"], obj))
        except Exception:
            pass

    def stop(self):
        for stream in self.streams:
            stream.stop()

    def first(self, what, predicate):
        return self._matching(what, predicate)[0]

    def last(self, what, predicate):
        return self._matching(what, predicate)[-1]

    def _matching(self, what, predicate):
        found = sorted(rv for rv, kind, obj in self.seen if predicate(kind, obj))
        assert found, f"never saw {what}"
        return found


def component(obj):
    return (obj.metadata.labels or {}).get("app.kubernetes.io/component")


def test_a_maintenance_upgrade_drains_before_migrating_and_the_rollout_ends_it(kube, ready_panelapp, operator):
    read_only_web_before = kube.deployment("panelapp-web").spec.template.metadata.annotations[
        "panelapp.org/config-hash"
    ]
    recorder = Recorder(kube)
    try:
        kube.patch_spec(
            {
                "image": samples.NEXT_IMAGE,
                "migrations": {"strategy": "Maintenance"},
                "maintenance": {"message": "Upgrading PanelApp: back in a few minutes."},
            }
        )
        kube.wait_phase("Ready", image=samples.NEXT_IMAGE, timeout=120, describe=operator.log_tail)
    finally:
        recorder.stop()

    def is_migration(kind, obj):
        return (
            kind == "ADDED"
            and isinstance(obj, client.V1Job)
            and component(obj) == "migrate"
            and obj.metadata.annotations.get("panelapp.org/image") == samples.NEXT_IMAGE
        )

    migration_created = recorder.first("the new migration Job", is_migration)

    def old_web_read_only_and_rolled(kind, obj):
        if not isinstance(obj, client.V1Deployment) or obj.metadata.name != "panelapp-web":
            return False
        status = obj.status
        return (
            obj.spec.template.spec.containers[0].image == samples.IMAGE
            and obj.spec.template.metadata.annotations["panelapp.org/config-hash"] != read_only_web_before
            and status.observed_generation == obj.metadata.generation
            and status.updated_replicas == status.replicas == status.available_replicas == obj.spec.replicas
        )

    web_read_only = recorder.first("the old web release rolled to read-only", old_web_read_only_and_rolled)
    # What web rolled to is the read-only configuration itself, not only a new hash.
    config_read_only = recorder.first(
        "PANELAPP_READ_ONLY in the ConfigMap",
        lambda kind, obj: (
            isinstance(obj, client.V1ConfigMap)
            and obj.metadata.name == "panelapp-config"
            and (obj.data or {}).get("PANELAPP_READ_ONLY") == "True"
        ),
    )
    last_worker_pod_gone = recorder.last(
        "a worker or beat pod deleted",
        lambda kind, obj: kind == "DELETED" and isinstance(obj, client.V1Pod) and component(obj) in ("worker", "beat"),
    )
    new_worker_pod = recorder.first(
        "a worker pod of the new release",
        lambda kind, obj: (
            isinstance(obj, client.V1Pod)
            and component(obj) == "worker"
            and obj.spec.containers[0].image == samples.NEXT_IMAGE
        ),
    )
    assert config_read_only < web_read_only < migration_created, (config_read_only, web_read_only, migration_created)
    # Every old worker and beat pod was gone (its tasks finished) before the migration started...
    assert (
        max(
            rv
            for rv, kind, obj in recorder.seen
            if kind == "DELETED"
            and isinstance(obj, client.V1Pod)
            and component(obj) in ("worker", "beat")
            and rv < new_worker_pod
        )
        < migration_created
    )
    # ...and workers came back only with the new release.
    assert last_worker_pod_gone < new_worker_pod and migration_created < new_worker_pod

    assert "PANELAPP_READ_ONLY" not in config(kube)
    assert kube.deployment("panelapp-worker").spec.replicas == 1 and kube.deployment("panelapp-beat").spec.replicas == 1
    assert kube.condition("Maintenance")["status"] == "False"
    reasons = kube.event_reasons()
    for expected in (
        "DrainingStarted",
        "MaintenanceStarted",
        "MigrationStarted",
        "MaintenanceEnded",
        "RolloutComplete",
    ):
        assert expected in reasons, reasons
    assert reasons.count("MigrationStarted") == 2  # the install's and this upgrade's, no more


def test_the_standing_switch_and_the_banner(kube, ready_panelapp, operator):
    kube.patch_spec({"maintenance": {"enabled": True}, "banner": "Planned downtime on Saturday."})
    wait_for(lambda: config(kube).get("PANELAPP_READ_ONLY") == "True", "read-only configuration")
    assert config(kube)["PANELAPP_BANNER"] == "Planned downtime on Saturday."
    kube.wait_phase("Ready", describe=operator.log_tail)
    assert kube.condition("Maintenance")["reason"] == "Requested"
    assert kube.deployment("panelapp-worker").spec.replicas == 1  # workers keep running
    kube.patch_spec({"maintenance": {"enabled": False}, "banner": None})
    wait_for(lambda: "PANELAPP_READ_ONLY" not in config(kube), "writable configuration")
    assert "PANELAPP_BANNER" not in config(kube)
    kube.wait_phase("Ready", describe=operator.log_tail)
    assert kube.condition("Maintenance")["status"] == "False"
