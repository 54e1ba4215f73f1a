"""The examples people copy are applied as they are and become Ready."""

from __future__ import annotations

import json

import yaml

from tests.operator import samples
from tests.operator.cluster.support import wait_for

#: (group, version, plural, name) of what the queue example adds from KEDA and the Prometheus Operator.
OTHER_PROJECTS_KINDS = [
    ("keda.sh", "v1alpha1", "scaledobjects", "panelapp-worker"),
    ("keda.sh", "v1alpha1", "triggerauthentications", "panelapp-worker-queue"),
    ("monitoring.coreos.com", "v1", "podmonitors", "panelapp"),
]


def test_minimal_example(cluster, kube, operator):
    cluster.kubectl("apply", "-n", kube.namespace, "-f", str(samples.EXAMPLES / "minimal.yaml"))
    kube.wait_phase("Ready", image=samples.IMAGE, describe=operator.log_tail)
    cluster.kubectl("wait", "-n", kube.namespace, "panelapp/panelapp", "--for=condition=Ready", "--timeout=10s")


def test_upgrades_and_queue_workers_example(cluster, kube, operator):
    """Backups before migrations, maintenance upgrades, KEDA on the queue and a PodMonitor, from
    the example as it is, against the real CRDs of KEDA and the Prometheus Operator."""
    cluster.apply_crds(samples.REPO / "tests" / "operator" / "crds")
    kube.create_secret("panelapp-database", {"password": samples.DB_PASSWORD})
    example = samples.EXAMPLES / "upgrades-and-queue-workers.yaml"
    cluster.kubectl("apply", "-n", kube.namespace, "-f", str(example))
    kube.wait_phase("Ready", image=samples.IMAGE, describe=operator.log_tail)

    children = {(kind, name) for kind, name, _ in kube.owned_children()}
    for group, version, plural, name in OTHER_PROJECTS_KINDS:
        owned = kube.custom.get_namespaced_custom_object(group, version, kube.namespace, plural, name)
        assert owned["metadata"]["ownerReferences"][0]["kind"] == "PanelApp", (plural, name)
    assert ("HorizontalPodAutoscaler", "panelapp-worker") not in children  # KEDA makes its own
    # The install's migration was preceded by a backup Job, and the backup is on record.
    [backup] = kube.jobs("backup")
    assert "--bucket=genomics-panelapp-db-backups" in backup.spec.template.spec.containers[0].command
    assert [record["job"] for record in kube.status()["backups"]] == [backup.metadata.name]
    # Workers start at one (not KEDA's minimum of zero) and are then KEDA's to scale.
    assert kube.deployment("panelapp-worker").spec.replicas == 1

    # An upgrade in maintenance: web turns read-only, the workers stop, the migration runs.
    cluster.kubectl(
        "patch",
        "-n",
        kube.namespace,
        "panelapp/panelapp",
        "--type=merge",
        "-p",
        json.dumps({"spec": {"image": samples.NEXT_IMAGE}}),
    )
    kube.wait_phase("Ready", image=samples.NEXT_IMAGE, timeout=120, describe=operator.log_tail)
    reasons = kube.event_reasons()
    upgrade = reasons[reasons.index("MigrationSucceeded") + 1 :]  # after the install's migration
    assert "MaintenanceStarted" in upgrade and "MaintenanceEnded" in upgrade, upgrade
    assert len(kube.status()["backups"]) == 2
    kube.custom.get_namespaced_custom_object("keda.sh", "v1alpha1", kube.namespace, "scaledobjects", "panelapp-worker")


def test_production_example(cluster, kube, operator):
    kube.create_secret("panelapp-aurora", {"url": f"postgresql://panelapp:{samples.DB_PASSWORD}@aurora:5432/panelapp"})
    kube.create_secret("panelapp-ses", {"username": "AKIAEXAMPLE", "password": samples.SMTP_PASSWORD})
    kube.create_secret("panelapp-django", {"secret-key": "k" * 50, "admin-url": "hidden-admin/"})
    cluster.kubectl("apply", "-n", kube.namespace, "-f", str(samples.EXAMPLES / "production.yaml"))
    kube.wait_phase("Ready", image=samples.IMAGE, describe=operator.log_tail)

    children = {(kind, name) for kind, name, _ in kube.owned_children()}
    assert {
        ("HorizontalPodAutoscaler", "panelapp-web"),
        ("HorizontalPodAutoscaler", "panelapp-worker"),
        ("PodDisruptionBudget", "panelapp-web"),
        ("PodDisruptionBudget", "panelapp-worker"),
        ("Ingress", "panelapp"),
        ("Ingress", "panelapp-login"),
        ("NetworkPolicy", "panelapp"),
    } <= children
    assert ("Secret", "panelapp-secret-key") not in children  # a key is referenced: none is generated
    account = kube.core.read_namespaced_service_account("panelapp", kube.namespace)
    assert account.metadata.annotations["eks.amazonaws.com/role-arn"] == "arn:aws:iam::123456789012:role/panelapp"
    login = kube.networking.read_namespaced_ingress("panelapp-login", kube.namespace)
    assert login.metadata.annotations["alb.ingress.kubernetes.io/auth-type"] == "cognito"
    # The autoscalers own the replicas: the real HPA controller brings web to its minimum of 3.
    wait_for(lambda: kube.deployment("panelapp-web").spec.replicas == 3, "the autoscaler to scale web to 3")
    kube.wait_phase("Ready", describe=operator.log_tail)
    for secret_value in (samples.DB_PASSWORD, samples.SMTP_PASSWORD):
        assert secret_value not in str(kube.panelapp())
        assert secret_value not in str(kube.core.read_namespaced_config_map("panelapp-config", kube.namespace).data)


def upstream_example_with_our_image() -> list[dict]:
    """examples/upstream-images.yaml with our image in place of Genomics England's, every command,
    args and per-component override kept."""
    documents = samples.example_documents("upstream-images.yaml")
    resource = next(doc for doc in documents if doc["kind"] == "PanelApp")
    resource["spec"]["image"] = samples.IMAGE
    for component in ("worker", "beat"):
        resource["spec"][component]["image"] = samples.IMAGE
    return documents


def test_upstream_images_example_with_our_image(cluster, kube, operator):
    documents = upstream_example_with_our_image()
    cluster.kubectl("apply", "-n", kube.namespace, "-f", "-", input=yaml.safe_dump_all(documents))
    kube.wait_phase("Ready", image=samples.IMAGE, describe=operator.log_tail)

    def app(deployment):
        return kube.deployment(deployment).spec.template.spec.containers[0]

    assert app("panelapp-web").command is None and app("panelapp-worker").command is None
    assert app("panelapp-beat").command[:4] == ["celery", "--app", "panelapp", "beat"]
    migration = kube.jobs("migrate")[0].spec.template.spec.containers[0]
    assert migration.command == ["python", "manage.py", "migrate", "--noinput"]
    assert kube.status()["componentImages"] == {"worker": samples.IMAGE, "beat": samples.IMAGE}

    # A new worker image is an upgrade: while its migration fails, the workers stay where they are.
    kube.patch_spec(
        {
            "worker": {"image": samples.NEXT_IMAGE},
            "migrations": {"podTemplate": {"annotations": {"kwok.panelapp.org/outcome": "fail"}}},
        }
    )
    kube.wait_phase("Degraded", describe=operator.log_tail)
    assert kube.image_of("panelapp-worker") == samples.IMAGE
    kube.patch_spec({"migrations": {"podTemplate": None, "trigger": "retry"}})
    kube.wait_phase("Ready", describe=operator.log_tail)
    wait_for(lambda: kube.image_of("panelapp-worker") == samples.NEXT_IMAGE, "the workers to move")
    assert kube.image_of("panelapp-web") == kube.image_of("panelapp-beat") == samples.IMAGE
    assert kube.status()["componentImages"]["worker"] == samples.NEXT_IMAGE
