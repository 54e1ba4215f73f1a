"""The PanelApp API as the API server serves it: short name, explain, printer columns."""

from __future__ import annotations

from tests.operator.cluster.support import wait_for


def explain(cluster, field):
    """kubectl explain, once the API server has published the new CRD's OpenAPI (a few seconds)."""
    result = wait_for(
        lambda: (r := cluster.kubectl("explain", field, check=False)).returncode == 0 and r,
        f"kubectl explain {field}",
        timeout=60,
        interval=1,
    )
    return result.stdout


def test_kubectl_explain_teaches_the_fields(cluster, panelapp_crd):
    explained = explain(cluster, "panelapp.spec.queue.visibilityTimeoutSeconds")
    assert "SQS_QUEUE_VISIBILITY_TIMEOUT" in explained and "Defaults to 360" in explained
    explained = explain(cluster, "pa.spec.database")
    for field in ("urlSecretRef", "host", "hostSecretRef", "passwordSecretRef"):
        assert field in explained


def test_short_name_and_printer_columns(cluster, kube, ready_panelapp):
    table = cluster.kubectl("get", "pa", "-n", kube.namespace).stdout
    header, row = table.splitlines()[:2]
    assert header.split() == ["NAME", "PHASE", "READY", "IMAGE", "AGE"]
    assert row.split()[:4] == ["panelapp", "Ready", "4/4", "ghcr.io/panelapp-operator/panelapp:0.1.0"]


def test_kubectl_explain_teaches_the_task_and_the_new_fields(cluster, panelapp_crd):
    explained = explain(cluster, "panelapptask.spec.createSuperuser")
    for field in ("secretName", "usernameKey", "emailKey", "passwordKey"):
        assert field in explained
    assert "load-genes" in explain(cluster, "pat.spec.command")
    assert "Maintenance" in explain(cluster, "panelapp.spec.migrations.strategy")
    assert "pg_dump" in explain(cluster, "panelapp.spec.migrations.backup")
    assert "ENTRYPOINT" in explain(cluster, "panelapp.spec.worker.command")
