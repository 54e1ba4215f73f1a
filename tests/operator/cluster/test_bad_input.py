"""Bad input: refused at apply time by the schema, or answered with ConfigValid=False, a message
naming the field and an Event, while whatever already runs keeps running untouched."""

from __future__ import annotations

import pytest
import yaml

from tests.operator import samples
from tests.operator.cluster.support import wait_for


@pytest.mark.parametrize("case, changes, field, words", samples.BAD_INPUTS, ids=[c[0] for c in samples.BAD_INPUTS])
def test_the_schema_refuses_bad_input_naming_the_field(cluster, kube, case, changes, field, words):
    document = samples.resource("panelapp", kube.namespace, samples.bad_spec(changes))
    result = cluster.kubectl("apply", "-f", "-", input=yaml.safe_dump(document), check=False)
    assert result.returncode != 0, f"{case} was accepted"
    assert field in result.stderr, result.stderr
    assert words in result.stderr, result.stderr


def test_a_long_name_is_refused(cluster, kube):
    document = samples.resource("p" * 41, kube.namespace)
    result = cluster.kubectl("apply", "-f", "-", input=yaml.safe_dump(document), check=False)
    assert result.returncode != 0 and "at most 40 characters" in result.stderr


def _untouched(kube):
    deployments = kube.apps.list_namespaced_deployment(kube.namespace).items
    return (
        {d.metadata.name: d.metadata.generation for d in deployments},
        kube.core.read_namespaced_config_map("panelapp-config", kube.namespace).metadata.resource_version,
    )


def test_a_missing_secret_or_key_is_reported_and_nothing_changes(kube, ready_panelapp, operator):
    before = _untouched(kube)
    # Two changes at once: the valid one (log level) must not be applied without the other.
    kube.patch_spec({"logLevel": "DEBUG", "database": {"passwordSecretRef": {"name": "rotated-db", "key": "password"}}})
    kube.wait_phase("Invalid", describe=operator.log_tail)
    condition = kube.condition("ConfigValid")
    assert condition["status"] == "False" and condition["reason"] == "MissingReference"
    assert condition["message"] == (
        f"spec.database.passwordSecretRef: Secret 'rotated-db' not found in namespace '{kube.namespace}'"
    )
    assert kube.condition("Ready")["status"] == "True"  # what runs still runs
    event = next(e for e in kube.events() if e.reason == "MissingReference")
    assert event.type == "Warning" and "spec.database.passwordSecretRef" in event.message

    kube.create_secret("rotated-db", {"passwd": samples.DB_PASSWORD})
    wait_for(
        lambda: "key 'password' not found in Secret 'rotated-db'" in kube.condition("ConfigValid")["message"],
        "the missing key to be reported",
        describe=operator.log_tail,
    )
    assert _untouched(kube) == before

    kube.replace_secret_data("rotated-db", {"password": samples.DB_PASSWORD})
    kube.wait_phase("Ready", describe=operator.log_tail)
    config = kube.core.read_namespaced_config_map("panelapp-config", kube.namespace)
    assert config.data["DJANGO_LOG_LEVEL"] == "DEBUG"
    assert "ConfigValid" in kube.event_reasons()


def test_a_child_the_api_server_refuses_changes_nothing(kube, ready_panelapp, operator):
    before = _untouched(kube)
    bad_affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "Sometimes"}]}]
            }
        }
    }
    kube.patch_spec({"logLevel": "DEBUG", "podTemplate": {"affinity": bad_affinity}})
    kube.wait_phase("Invalid", describe=operator.log_tail)
    condition = kube.condition("ConfigValid")
    assert condition["reason"] == "Rejected"
    assert "Deployment panelapp-web was refused" in condition["message"]
    assert "Sometimes" in condition["message"]
    assert _untouched(kube) == before  # not even the valid ConfigMap change

    kube.patch_spec({"podTemplate": None})
    kube.wait_phase("Ready", describe=operator.log_tail)
    assert kube.core.read_namespaced_config_map("panelapp-config", kube.namespace).data["DJANGO_LOG_LEVEL"] == "DEBUG"


def _failures(kube, component):
    return ((kube.status().get("components") or {}).get(component) or {}).get("podFailures") or []


def test_crash_looping_pods_are_surfaced_while_the_old_ones_serve(kube, ready_panelapp, operator):
    kube.patch_spec({"web": {"podTemplate": {"annotations": {"kwok.panelapp.org/outcome": "crashloop"}}}})
    wait_for(
        lambda: any("CrashLoopBackOff" in f for f in _failures(kube, "web")),
        "CrashLoopBackOff in status",
        describe=operator.log_tail,
    )
    assert kube.status()["phase"] == "Degraded"
    degraded = kube.condition("Degraded")
    assert degraded["reason"] == "PodsFailing" and "CrashLoopBackOff" in degraded["message"]
    assert kube.status()["components"]["web"]["readyReplicas"] == 2  # the old pods keep serving
    assert "PodsFailing" in kube.event_reasons()

    kube.patch_spec({"web": {"podTemplate": None}})
    kube.wait_phase("Ready", describe=operator.log_tail)
    assert "podFailures" not in kube.status()["components"]["web"]


def test_image_pull_failures_are_surfaced(kube, ready_panelapp, operator):
    kube.patch_spec({"worker": {"podTemplate": {"annotations": {"kwok.panelapp.org/outcome": "imagepull"}}}})
    wait_for(
        lambda: any("ImagePullBackOff" in f for f in _failures(kube, "worker")),
        "ImagePullBackOff in status",
        timeout=20,
        describe=operator.log_tail,
    )
    assert kube.condition("Degraded")["reason"] == "PodsFailing"
    assert kube.status()["components"]["worker"]["readyReplicas"] == 1
