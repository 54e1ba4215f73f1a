"""Create -> Ready with every child owned; delete -> children garbage-collected, operator or not."""

from __future__ import annotations

from tests.operator import samples
from tests.operator.cluster.support import GROUP, PLURAL, VERSION, wait_for

EXPECTED_CHILDREN = {
    ("ServiceAccount", "panelapp"),
    ("ConfigMap", "panelapp-config"),
    ("Secret", "panelapp-secret-key"),
    ("Service", "panelapp"),
    ("Deployment", "panelapp-web"),
    ("Deployment", "panelapp-worker"),
    ("Deployment", "panelapp-beat"),
}


def test_create_becomes_ready_with_every_child_owned(kube, ready_panelapp, operator):
    uid = ready_panelapp["metadata"]["uid"]
    assert not ready_panelapp["metadata"].get("finalizers"), "no finalizer may block deletion"
    status = ready_panelapp["status"]
    assert status["ready"] == "4/4" and status["migratedImage"] == samples.IMAGE
    assert {c["type"]: c["status"] for c in status["conditions"]} == {
        "Ready": "True",
        "Progressing": "False",
        "Degraded": "False",
        "MigrationsApplied": "True",
        "ConfigValid": "True",
    }
    assert all(status["components"][c]["ready"] for c in ("web", "worker", "beat"))

    children = kube.owned_children()
    found = {(kind, name) for kind, name, _ in children}
    assert found >= EXPECTED_CHILDREN
    assert {name for kind, name in found if kind == "Job"} == {
        status["upgrade"]["migrationJob"],
        status["upgrade"]["collectstaticJob"],
    }
    for kind, name, owners in children:
        assert [(o.kind, o.name, o.uid, o.controller) for o in owners] == [("PanelApp", "panelapp", uid, True)], (
            kind,
            name,
        )

    reasons = kube.event_reasons()
    for milestone in (
        "SecretKeyGenerated",
        "MigrationStarted",
        "MigrationSucceeded",
        "CollectstaticStarted",
        "RolloutStarted",
        "RolloutComplete",
        "Ready",
    ):
        assert milestone in reasons


def test_no_secret_value_in_config_map_status_or_events(kube, ready_panelapp):
    config = kube.core.read_namespaced_config_map("panelapp-config", kube.namespace)
    texts = [str(config.data), str(kube.panelapp()), " ".join(f"{e.reason} {e.message}" for e in kube.events())]
    generated = kube.core.read_namespaced_secret("panelapp-secret-key", kube.namespace).data["secret-key"]
    import base64

    generated_value = base64.b64decode(generated).decode()
    assert len(generated_value) >= 50
    for text in texts:
        assert samples.DB_PASSWORD not in text and generated_value not in text


def test_the_generated_secret_key_is_kept(kube, ready_panelapp, operator):
    before = kube.core.read_namespaced_secret("panelapp-secret-key", kube.namespace)
    kube.patch_spec({"logLevel": "DEBUG"})
    kube.wait_phase("Ready")
    after = kube.core.read_namespaced_secret("panelapp-secret-key", kube.namespace)
    assert after.data == before.data and after.metadata.uid == before.metadata.uid


def test_deleting_the_panelapp_deletes_its_children_even_without_the_operator(kube, ready_panelapp, operator):
    operator.stop()  # nothing blocks deletion when the operator is gone
    kube.delete_panelapp()
    wait_for(
        lambda: not kube.custom.list_namespaced_custom_object(GROUP, VERSION, kube.namespace, PLURAL)["items"],
        "the PanelApp to be deleted",
        timeout=30,
    )
    wait_for(
        lambda: not kube.owned_children(),
        "the garbage collector to delete every child",
        timeout=90,
        describe=lambda: str(kube.owned_children()),
    )
