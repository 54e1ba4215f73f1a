"""The chart's RBAC is enough, and no more: the operator, running with exactly the rights the
chart grants its ServiceAccount (namespaces mode), reconciles a PanelApp that uses every kind of
child to Ready in a watched namespace and prunes what the spec drops; a second instance with the
same credentials, told to watch a namespace the chart does not grant, is refused there."""

from __future__ import annotations

import json
import urllib.request

import pytest
import yaml

from tests.fixtures.services import wait_until
from tests.packaging.chart_values import DATA, namespaces
from tests.packaging.operator_process import OperatorProcess, deployment_arguments, service_account_kubeconfig
from tests.packaging.tools import CHART, checked, release_name

pytestmark = pytest.mark.k8s

DB_PASSWORD = "rbac-test-database-password-7f3a9c"  # must never appear in the operator's output
MANAGED = "app.kubernetes.io/managed-by=panelapp-operator"
CHILDREN = "deployments,jobs,configmaps,services,serviceaccounts,ingresses,networkpolicies,hpa,pdb"


def full_panelapp() -> dict:
    """data/panelapp-full.yaml without ephemeral-storage requests: the local control plane's fake
    node reports no ephemeral-storage capacity, so pods asking for it would never be scheduled."""
    resource = yaml.safe_load((DATA / "panelapp-full.yaml").read_text())
    for part in resource["spec"].values():
        for kind in ((part.get("resources") or {}) if isinstance(part, dict) else {}).values():
            kind.pop("ephemeral-storage", None)
    return resource


def prepare(cluster, namespace: str) -> None:
    """What a PanelApp user creates: the Secret and ConfigMap it references, then the PanelApp."""
    cluster.kubectl(
        "create", "secret", "generic", "panelapp-db", "-n", namespace, f"--from-literal=password={DB_PASSWORD}"
    )
    cluster.kubectl("create", "configmap", "panelapp-extra", "-n", namespace, "--from-literal=GUNICORN_THREADS=2")
    checked(
        cluster.kubectl("apply", "-n", namespace, "-f", "-", input=json.dumps(full_panelapp()), check=False),
        f"apply the PanelApp in {namespace}",
    )


def panelapp(cluster, namespace: str) -> dict:
    return json.loads(cluster.kubectl("get", "panelapp", "panelapp", "-n", namespace, "-o", "json").stdout)


def children(cluster, namespace: str) -> list[str]:
    return cluster.kubectl("get", CHILDREN, "-n", namespace, "-l", MANAGED, "-o", "name").stdout.split()


def describe(cluster, namespace: str) -> str:
    """What a failure report needs: the PanelApp's status and the children's states."""
    return "\n".join(
        cluster.kubectl(*args, check=False).stdout
        for args in (
            ("get", "panelapp", "-n", namespace, "-o", "jsonpath={.items[*].status}"),
            ("get", "deployments,jobs,pods", "-n", namespace, "-o", "wide"),
            ("get", "events", "-n", namespace, "--sort-by=.lastTimestamp"),
        )
    )


@pytest.fixture
def release(cluster, namespace, fresh_namespaces):
    """The chart installed in namespaces mode, watching one fresh namespace; another is left out."""
    watched, unwatched = fresh_namespaces(2)
    name = release_name()
    checked(
        cluster.helm(
            "install",
            name,
            str(CHART),
            "--namespace",
            namespace,
            "--wait",
            "--timeout",
            "120s",
            *namespaces(watched),
            "--set",
            "metrics.enabled=true",
            check=False,
        ),
        "helm install",
    )
    yield {
        "name": name,
        "namespace": namespace,
        "watched": watched,
        "unwatched": unwatched,
        "fullname": f"{name}-panelapp-operator",
    }
    cluster.helm("uninstall", name, "--namespace", namespace, check=False)


@pytest.fixture
def operators(cluster, release, tmp_path):
    """start(namespace): an operator with the chart's ServiceAccount and the chart's arguments,
    watching `namespace` instead of the release's watched one."""
    kubeconfig = service_account_kubeconfig(
        cluster, release["namespace"], release["fullname"], tmp_path / "service-account.kubeconfig"
    )
    arguments = deployment_arguments(cluster, release["namespace"], release["fullname"])
    chart_flag = f"--namespace={release['watched']}"
    assert chart_flag in arguments, arguments
    started: list[OperatorProcess] = []

    def start(namespace: str) -> OperatorProcess:
        own = [f"--namespace={namespace}" if argument == chart_flag else argument for argument in arguments]
        process = OperatorProcess(own, kubeconfig, tmp_path / f"operator-{namespace}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def test_the_chart_rbac_reconciles_a_watched_namespace_and_is_refused_elsewhere(cluster, release, operators):
    watched, unwatched = release["watched"], release["unwatched"]
    for namespace in (watched, unwatched):
        prepare(cluster, namespace)
    operator, intruder = operators(watched), operators(unwatched)

    def ready():
        assert operator.running(), f"the operator exited:\n{operator.output()[-4000:]}"
        return (panelapp(cluster, watched).get("status") or {}).get("phase") == "Ready"

    try:
        wait_until(ready, 120, f"PanelApp {watched}/panelapp to be Ready", interval=0.5)
    except BaseException:
        print(describe(cluster, watched), f"--- operator log {operator.log}:\n{operator.output()[-6000:]}")
        raise
    kinds = {name.split("/")[0].split(".")[0] for name in children(cluster, watched)}
    assert kinds >= {
        "deployment",
        "job",
        "configmap",
        "service",
        "serviceaccount",
        "ingress",
        "networkpolicy",
        "horizontalpodautoscaler",
        "poddisruptionbudget",
    }, kinds
    assert cluster.kubectl("get", "secret", "panelapp-secret-key", "-n", watched, check=False).returncode == 0

    # Pruning needs the delete verb: drop the Ingress and the autoscaler from the spec.
    cluster.kubectl(
        "patch",
        "panelapp",
        "panelapp",
        "-n",
        watched,
        "--type=merge",
        "-p",
        '{"spec": {"ingress": {"enabled": false}, "web": {"autoscaling": {"enabled": false}}}}',
    )
    wait_until(
        lambda: not cluster.kubectl("get", "ingress,hpa", "-n", watched, "-l", MANAGED, "-o", "name").stdout.strip(),
        60,
        "the operator to delete the Ingress and the HPA it no longer needs",
        interval=0.5,
    )

    output = operator.output()
    assert "forbidden" not in output.lower(), output[-4000:]
    assert DB_PASSWORD not in output

    # The unwatched namespace: refused by the API server, so nothing created and no status written.
    wait_until(lambda: "forbidden" in intruder.output().lower(), 60, "the API server to refuse the second instance")
    refusals = [line for line in intruder.output().splitlines() if "forbidden" in line.lower()]
    assert all(unwatched in line and watched not in line for line in refusals), refusals[:3]
    assert "status" not in panelapp(cluster, unwatched)
    assert children(cluster, unwatched) == []

    # The operator's own endpoints, as the probes and the ServiceMonitor reach them.
    with urllib.request.urlopen(f"http://127.0.0.1:{operator.liveness_port}/healthz", timeout=10) as response:
        assert response.status == 200
    with urllib.request.urlopen(f"http://127.0.0.1:{operator.metrics_port}/metrics", timeout=10) as response:
        assert "panelapp_operator_reconciles_total" in response.read().decode()
