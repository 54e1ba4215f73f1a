"""The local control plane behaves like a real cluster for what the operator relies on."""

from __future__ import annotations

import json
import time

import pytest
import yaml

pytestmark = pytest.mark.k8s


def wait_until(check, what: str, timeout: float = 60, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


def get_json(cluster, *args):
    result = cluster.kubectl("get", *args, "-o", "json", check=False)
    return json.loads(result.stdout) if result.returncode == 0 else None


def apply(cluster, namespace, manifest: dict):
    cluster.kubectl("apply", "-n", namespace, "-f", "-", input=json.dumps(manifest))


def deployment(name: str, replicas: int) -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "main", "image": "example.invalid/app:1"}]},
            },
        },
    }


def job(name: str, pod_annotations: dict | None = None) -> dict:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name},
        "spec": {
            "backoffLimit": 0,
            "template": {
                "metadata": {"annotations": pod_annotations or {}},
                "spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": "example.invalid/app:1"}]},
            },
        },
    }


def job_condition(cluster, namespace, name, kind):
    obj = get_json(cluster, "job", name, "-n", namespace) or {}
    for condition in obj.get("status", {}).get("conditions", []):
        if condition["type"] == kind and condition["status"] == "True":
            return condition
    return None


def test_fake_node_is_ready_and_kubectl_reports_the_pinned_server(cluster):
    nodes = cluster.kubectl("get", "nodes", "--no-headers").stdout
    assert "kwok-node-0" in nodes and " Ready " in nodes, nodes
    version = json.loads(cluster.kubectl("version", "-o", "json").stdout)
    pinned = cluster.toolbox.version("kubernetes")
    assert version["serverVersion"]["gitVersion"] == pinned
    assert version["clientVersion"]["gitVersion"] == pinned


def test_helm_reports_the_pinned_version(cluster):
    out = cluster.helm("version", "--short").stdout.strip()
    assert out.startswith(cluster.toolbox.version("helm")), out


def test_deployment_of_two_replicas_reaches_two_ready_pods(cluster, namespace):
    apply(cluster, namespace, deployment("web", 2))
    wait_until(
        lambda: (
            (get_json(cluster, "deployment", "web", "-n", namespace) or {}).get("status", {}).get("readyReplicas") == 2
        ),
        "2 ready replicas",
    )
    pods = get_json(cluster, "pods", "-n", namespace, "-l", "app=web")["items"]
    assert len(pods) == 2
    assert all(p["status"]["phase"] == "Running" for p in pods)
    assert all(p["spec"]["nodeName"] == "kwok-node-0" for p in pods)


def test_job_completes(cluster, namespace):
    apply(cluster, namespace, job("migrate"))
    wait_until(lambda: job_condition(cluster, namespace, "migrate", "Complete"), "the Job to complete")


def test_job_whose_pod_is_marked_to_fail_ends_failed(cluster, namespace):
    apply(cluster, namespace, job("broken", {"kwok.panelapp.org/outcome": "fail"}))
    failed = wait_until(lambda: job_condition(cluster, namespace, "broken", "Failed"), "the Job to fail")
    assert failed["reason"] == "BackoffLimitExceeded"
    assert job_condition(cluster, namespace, "broken", "Complete") is None
    pod = get_json(cluster, "pods", "-n", namespace, "-l", "job-name=broken")["items"][0]
    assert pod["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 1


@pytest.mark.parametrize(
    ("outcome", "reason", "phase"),
    [
        ("crashloop", "CrashLoopBackOff", "Running"),
        ("imagepull", "ImagePullBackOff", "Pending"),
    ],
)
def test_pod_marked_to_misbehave_is_never_ready_and_says_why(cluster, namespace, outcome, reason, phase):
    manifest = deployment(outcome, 1)
    manifest["spec"]["template"]["metadata"]["annotations"] = {"kwok.panelapp.org/outcome": outcome}
    apply(cluster, namespace, manifest)

    def waiting():
        pods = (get_json(cluster, "pods", "-n", namespace, "-l", f"app={outcome}") or {}).get("items", [])
        statuses = pods[0].get("status", {}).get("containerStatuses", []) if pods else []
        return statuses and (pods[0]["status"]["phase"], statuses[0].get("state", {}).get("waiting", {}))

    pod_phase, state = wait_until(waiting, f"a container waiting in {reason}")
    assert (pod_phase, state.get("reason")) == (phase, reason)
    assert state.get("message")
    status = get_json(cluster, "deployment", outcome, "-n", namespace)["status"]
    assert status.get("readyReplicas", 0) == 0


CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.foundation.panelapp.org"},
    "spec": {
        "group": "foundation.panelapp.org",
        "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "required": ["size"],
                                "properties": {"size": {"type": "integer", "minimum": 1}},
                            }
                        },
                    }
                },
            }
        ],
    },
}


def test_crd_is_installed_and_an_instance_is_created_and_read_back(cluster, namespace):
    cluster.kubectl("apply", "-f", "-", input=json.dumps(CRD))
    cluster.wait_for_crd("widgets.foundation.panelapp.org")
    widget = {
        "apiVersion": "foundation.panelapp.org/v1",
        "kind": "Widget",
        "metadata": {"name": "w1"},
        "spec": {"size": 3},
    }
    apply(cluster, namespace, widget)
    read = yaml.safe_load(cluster.kubectl("get", "widget", "w1", "-n", namespace, "-o", "yaml").stdout)
    assert read["spec"] == {"size": 3}
    # The schema is enforced by the real API server.
    bad = dict(widget, metadata={"name": "w2"}, spec={"size": 0})
    result = cluster.kubectl("apply", "-n", namespace, "-f", "-", input=json.dumps(bad), check=False)
    assert result.returncode != 0 and "spec.size" in result.stderr


def test_deleting_a_namespace_removes_its_objects(cluster):
    cluster.kubectl("create", "namespace", "doomed")
    wait_until(lambda: get_json(cluster, "serviceaccount", "default", "-n", "doomed"), "default SA")
    apply(cluster, "doomed", deployment("web", 1))
    cluster.kubectl("create", "configmap", "settings", "-n", "doomed", "--from-literal=a=b")
    wait_until(
        lambda: (
            (get_json(cluster, "deployment", "web", "-n", "doomed") or {}).get("status", {}).get("readyReplicas") == 1
        ),
        "the deployment to be ready",
    )
    cluster.kubectl("delete", "namespace", "doomed", "--wait=false")
    wait_until(lambda: get_json(cluster, "namespace", "doomed") is None, "the namespace to go", timeout=90)
    assert get_json(cluster, "pods", "-n", "doomed")["items"] == []
    assert get_json(cluster, "configmap", "settings", "-n", "doomed") is None


def test_owner_references_garbage_collect_children(cluster, namespace):
    cluster.kubectl("create", "configmap", "owner", "-n", namespace)
    owner = get_json(cluster, "configmap", "owner", "-n", namespace)
    child = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "child",
            "ownerReferences": [
                {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner["metadata"]["uid"]}
            ],
        },
    }
    apply(cluster, namespace, child)
    cluster.kubectl("delete", "configmap", "owner", "-n", namespace)
    wait_until(lambda: get_json(cluster, "configmap", "child", "-n", namespace) is None, "garbage collection")
