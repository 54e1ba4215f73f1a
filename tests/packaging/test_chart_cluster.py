"""The chart against the local control plane: what it renders is accepted by the API server in
both RBAC modes, `helm install` brings the operator to Ready under the "restricted" Pod Security
Standard, and `helm uninstall` leaves the CRD and every PanelApp in place."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.packaging import chart_values as values
from tests.packaging.tools import CHART, CRD_NAME, KUBERNETES_VERSION, checked, documents, release_name

pytestmark = pytest.mark.k8s

# The Prometheus Operator's CRDs are not part of the local control plane; the ServiceMonitor's
# shape is checked by tests/packaging/test_chart_render.py::test_optional_objects instead.
NOT_IN_THE_LOCAL_CLUSTER = {"ServiceMonitor"}


def template(cluster, release: str, namespace: str, *args: str) -> str:
    return checked(
        cluster.helm(
            "template",
            release,
            str(CHART),
            "--namespace",
            namespace,
            "--kube-version",
            KUBERNETES_VERSION,
            *args,
            check=False,
        ),
        "helm template",
    ).stdout


@pytest.mark.parametrize("mode", ["cluster", "namespaces"])
def test_rendered_chart_passes_server_side_dry_run(cluster, crd, namespace, fresh_namespaces, mode):
    watched = fresh_namespaces(2)
    args = values.cluster_wide() if mode == "cluster" else values.everything(*watched, panelapp_namespace=watched[0])
    objects = [
        obj
        for obj in documents(template(cluster, release_name(), namespace, *args))
        if obj["kind"] not in NOT_IN_THE_LOCAL_CLUSTER
    ]
    applied = cluster.kubectl(
        "apply", "--dry-run=server", "-o", "name", "-f", "-", input=yaml.safe_dump_all(objects), check=False
    )
    checked(applied, f"kubectl apply --dry-run=server of the {mode} mode chart")
    assert len(applied.stdout.split()) == len(objects), applied.stdout


def test_install_runs_the_operator_and_uninstall_keeps_crd_and_panelapps(cluster, namespace, fresh_namespaces):
    [apps] = fresh_namespaces(1)
    # The operator pod must pass the "restricted" Pod Security Standard's admission.
    cluster.kubectl("label", "namespace", namespace, "pod-security.kubernetes.io/enforce=restricted")
    release = release_name()
    spec = values.minimal_panelapp()["spec"]
    installed = cluster.helm(
        "install",
        release,
        str(CHART),
        "--namespace",
        namespace,
        "--wait",
        "--timeout",
        "120s",
        "--set",
        "panelApp.create=true",
        "--set",
        f"panelApp.namespace={apps}",
        "--set",
        "panelApp.name=from-the-chart",
        "--set-json",
        f"panelApp.spec={json.dumps(spec)}",
        check=False,
    )
    checked(installed, "helm install")
    assert "Create your first PanelApp" not in installed.stdout  # the chart made one
    assert f"kubectl -n {apps} get panelapp from-the-chart --watch" in installed.stdout

    deployment = json.loads(
        cluster.kubectl("get", "deployment", f"{release}-panelapp-operator", "-n", namespace, "-o", "json").stdout
    )
    assert deployment["status"].get("readyReplicas") == 1, deployment["status"]
    manifest = {**values.minimal_panelapp(), "metadata": {"name": "made-by-hand", "namespace": apps}}
    cluster.kubectl("create", "secret", "generic", "panelapp-db", "-n", apps, "--from-literal=password=unused")
    cluster.kubectl("apply", "-f", "-", input=json.dumps(manifest))

    checked(
        cluster.helm("uninstall", release, "--namespace", namespace, "--wait", "--timeout", "120s", check=False),
        "helm uninstall",
    )
    assert cluster.kubectl("get", "crd", CRD_NAME, check=False).returncode == 0, "helm uninstall removed the CRD"
    kept = cluster.kubectl("get", "panelapps", "-n", apps, "-o", "name").stdout.split()
    assert sorted(kept) == ["panelapp.panelapp.org/from-the-chart", "panelapp.panelapp.org/made-by-hand"]
    leftovers = cluster.kubectl(
        "get",
        "deployment,serviceaccount,networkpolicy",
        "-n",
        namespace,
        "-l",
        f"app.kubernetes.io/instance={release}",
        "-o",
        "name",
    ).stdout.split()
    assert leftovers == []
    assert cluster.kubectl("get", "clusterrole", f"{release}-panelapp-operator", check=False).returncode != 0


def notes_panelapp(notes: str) -> dict:
    """The PanelApp YAML that NOTES.txt tells the user to apply."""
    match = re.search(r"<<'YAML'\n(.*?)\n\s*YAML\n", notes, re.DOTALL)
    assert match, notes
    return yaml.safe_load(match.group(1))


def test_the_first_panelapp_in_notes_is_valid(cluster, crd, namespace, fresh_namespaces):
    [watched] = fresh_namespaces(1)
    notes = _install_notes(cluster, namespace, watched)
    panelapp = notes_panelapp(notes)
    assert panelapp["metadata"]["namespace"] == watched  # the first watched namespace
    checked(
        cluster.kubectl("apply", "--dry-run=server", "-f", "-", input=json.dumps(panelapp), check=False),
        "the NOTES example PanelApp against the CRD",
    )


def _install_notes(cluster, namespace: str, watched: str) -> str:
    """NOTES.txt as `helm install` prints it (helm template does not render NOTES), from a dry run."""
    completed = cluster.helm(
        "install",
        release_name(),
        str(CHART),
        "--namespace",
        namespace,
        "--dry-run=server",
        *values.namespaces(watched),
        check=False,
    )
    return checked(completed, "helm install --dry-run=server").stdout
