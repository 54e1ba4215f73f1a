"""Referenced Secrets and ConfigMaps are watched: a rotation rolls the pods within seconds, with the
next resync ten minutes away; and a Deployment created under an autoscaler starts at its minimum."""

from __future__ import annotations

import threading
import time

from kubernetes import client, watch

from tests.operator import samples
from tests.operator.cluster.support import wait_for

CONFIG_HASH = "panelapp.org/config-hash"
FAR_RESYNC = 600.0  # no resync during the test: only the watches can notice a change
WITHIN_SECONDS = 5.0


def config_hash(kube, deployment="panelapp-web"):
    return kube.deployment(deployment).spec.template.metadata.annotations[CONFIG_HASH]


def seconds_until_rolled(kube, change) -> float:
    before = config_hash(kube)
    started = time.monotonic()
    change()
    wait_for(lambda: config_hash(kube) != before, "the change to roll the pods", timeout=WITHIN_SECONDS)
    return time.monotonic() - started


def test_rotated_secrets_and_config_maps_roll_the_pods_within_seconds(kube, database_secret, start_operator):
    operator = start_operator(resync_seconds=FAR_RESYNC)
    kube.core.create_namespaced_config_map(
        kube.namespace,
        client.V1ConfigMap(metadata=client.V1ObjectMeta(name="panelapp-extra"), data={"GUNICORN_THREADS": "2"}),
    )
    kube.create_panelapp(samples.minimal_spec(envFrom=[{"configMapRef": {"name": "panelapp-extra"}}]))
    kube.wait_phase("Ready", describe=operator.log_tail)

    secret_seconds = seconds_until_rolled(
        kube, lambda: kube.replace_secret_data("panelapp-database", {"password": samples.DB_PASSWORD + "-rotated"})
    )
    kube.wait_phase("Ready", describe=operator.log_tail)
    config_map_seconds = seconds_until_rolled(
        kube,
        lambda: kube.core.patch_namespaced_config_map(
            "panelapp-extra", kube.namespace, {"data": {"GUNICORN_THREADS": "4"}}
        ),
    )
    print(f"rotation to rolled pod template: Secret {secret_seconds:.2f} s, ConfigMap {config_map_seconds:.2f} s")

    # A Secret nobody references changes nothing.
    kube.wait_phase("Ready", describe=operator.log_tail)
    settled = config_hash(kube)
    kube.create_secret("unrelated", {"token": "x"})
    kube.replace_secret_data("unrelated", {"token": "y"})
    time.sleep(2)
    assert config_hash(kube) == settled
    assert samples.DB_PASSWORD not in operator.log_text()


def test_a_missing_secret_created_later_is_noticed_at_once(kube, database_secret, start_operator):
    operator = start_operator(resync_seconds=FAR_RESYNC)
    kube.create_panelapp(
        samples.minimal_spec(
            email={
                "host": "smtp.example.org",
                "fromAddress": "a@example.org",
                "panelappAddress": "b@example.org",
                "userSecretRef": {"name": "smtp", "key": "user"},
                "passwordSecretRef": {"name": "smtp", "key": "password"},
            }
        )
    )
    kube.wait_phase("Invalid", describe=operator.log_tail)
    # The missing-reference retry is 10 s away; the watch must be faster.
    started = time.monotonic()
    kube.create_secret("smtp", {"user": "panelapp", "password": samples.SMTP_PASSWORD})
    wait_for(
        lambda: kube.condition("ConfigValid").get("status") == "True",
        "the new Secret to be noticed",
        timeout=WITHIN_SECONDS,
        describe=operator.log_tail,
    )
    print(f"missing Secret created to ConfigValid: {time.monotonic() - started:.2f} s")


def test_a_deployment_created_under_an_autoscaler_starts_at_its_minimum(kube, database_secret, operator):
    seen: list[int | None] = []
    stream = watch.Watch()

    def record():
        try:
            for event in stream.stream(
                kube.apps.list_namespaced_deployment,
                kube.namespace,
                field_selector="metadata.name=panelapp-web",
                timeout_seconds=90,
            ):
                seen.append(event["object"].spec.replicas)
        except Exception:
            pass

    recorder = threading.Thread(target=record, daemon=True)
    recorder.start()
    time.sleep(0.5)  # the watch is open before the Deployment can exist
    try:
        kube.create_panelapp(
            samples.minimal_spec(web={"autoscaling": {"enabled": True, "minReplicas": 3, "maxReplicas": 6}})
        )
        kube.wait_phase("Ready", describe=operator.log_tail)
        wait_for(lambda: not operator_owns_replicas(kube), "the replicas to be handed over to the autoscaler")
    finally:
        stream.stop()
    assert seen and seen[0] == 3, f"replicas over the Deployment's life: {seen}"
    assert 1 not in seen, seen
    assert kube.status()["components"]["web"]["replicas"] == 3


def operator_owns_replicas(kube) -> bool:
    return any(
        entry.manager == "panelapp-operator" and "f:replicas" in (entry.fields_v1 or {}).get("f:spec", {})
        for entry in kube.deployment("panelapp-web").metadata.managed_fields
    )
