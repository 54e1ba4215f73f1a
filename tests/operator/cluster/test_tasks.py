"""PanelAppTask on the local control plane: the schema refuses bad tasks, a good one runs as one Job
with its PanelApp's image, environment and ServiceAccount and its status mirrors that Job, and a
task whose Secret is missing or whose command the image lacks runs nothing."""

from __future__ import annotations

import json

import pytest
from kubernetes.client.exceptions import ApiException

from tests.operator import samples
from tests.operator.cluster.support import GROUP, VERSION, wait_for

PLURAL = "panelapptasks"
ADMIN_PASSWORD = "admin-pw-Qx81Lm2Zt"  # must never appear in the operator's log, the status or Events


def create_task(kube, name: str, spec: dict) -> dict:
    return kube.custom.create_namespaced_custom_object(
        GROUP,
        VERSION,
        kube.namespace,
        PLURAL,
        {
            "apiVersion": f"{GROUP}/{VERSION}",
            "kind": "PanelAppTask",
            "metadata": {"name": name},
            "spec": {"panelApp": "panelapp", **spec},
        },
    )


def task(kube, name: str) -> dict:
    return kube.custom.get_namespaced_custom_object(GROUP, VERSION, kube.namespace, PLURAL, name)


def task_status(kube, name: str) -> dict:
    return task(kube, name).get("status") or {}


def wait_task(kube, name: str, phase: str, operator, timeout: float = 60) -> dict:
    return wait_for(
        lambda: task_status(kube, name).get("phase") == phase and task_status(kube, name),
        f"task {name} to be {phase}",
        timeout=timeout,
        describe=lambda: json.dumps(task_status(kube, name), indent=1) + operator.log_tail(),
    )


def task_jobs(kube, name: str) -> list:
    return kube.batch.list_namespaced_job(kube.namespace, label_selector=f"panelapptask.panelapp.org/name={name}").items


def task_events(kube, name: str) -> list[tuple[str, str]]:
    return [
        (e.reason, e.message)
        for e in kube.core.list_namespaced_event(kube.namespace).items
        if e.involved_object.kind == "PanelAppTask" and e.involved_object.name == name
    ]


@pytest.mark.parametrize(
    "spec, words",
    [
        ({"command": "drop-database"}, "spec.command"),
        ({"command": "load-genes"}, "load-genes needs loadGenes.source"),
        ({"command": "check", "loadGenes": {"source": {"key": "genes.json"}}}, "loadGenes is only for"),
        ({"command": "mirror"}, "mirror needs mirror.source"),
        ({"command": "mirror", "mirror": {"source": "file:///etc/passwd"}}, "spec.mirror.source"),
        ({"command": "load-genes", "loadGenes": {"source": {"key": "/etc/passwd $(id)"}}}, "spec.loadGenes.source.key"),
    ],
)
def test_the_schema_refuses_bad_tasks(kube, spec, words):
    with pytest.raises(ApiException) as refused:
        create_task(kube, "bad", spec)
    assert refused.value.status == 422 and words in refused.value.body, refused.value.body


def test_a_task_runs_once_as_a_job_of_its_panelapp_and_mirrors_it(kube, ready_panelapp, operator):
    create_task(kube, "checkup", {"command": "check"})
    status = wait_task(kube, "checkup", "Succeeded", operator)
    jobs = task_jobs(kube, "checkup")
    assert len(jobs) == 1 and status["job"] == jobs[0].metadata.name
    pod = jobs[0].spec.template.spec
    assert pod.containers[0].command == ["panelapp-check"] and pod.containers[0].image == samples.IMAGE
    assert pod.service_account_name == "panelapp"
    assert {e.name for e in pod.containers[0].env} >= {"DATABASE_PASSWORD", "SECRET_KEY"}
    assert status["startTime"] <= status["completionTime"] and status["image"] == samples.IMAGE
    assert {c["type"]: c["status"] for c in status["conditions"]} == {"Accepted": "True", "Succeeded": "True"}
    owners = task(kube, "checkup")["metadata"]["ownerReferences"]
    assert owners[0]["kind"] == "PanelApp" and owners[0]["uid"] == ready_panelapp["metadata"]["uid"]
    assert [reason for reason, _ in task_events(kube, "checkup")].count("TaskSucceeded") == 1
    # Immutable: a finished task is a record, not a knob.
    with pytest.raises(ApiException) as refused:
        kube.custom.patch_namespaced_custom_object(
            GROUP, VERSION, kube.namespace, PLURAL, "checkup", {"spec": {"command": "reset-stats"}}
        )
    assert "immutable" in refused.value.body
    assert len(task_jobs(kube, "checkup")) == 1


def test_a_missing_secret_holds_the_task_until_it_exists(kube, ready_panelapp, operator):
    create_task(kube, "first-admin", {"command": "create-superuser", "createSuperuser": {"secretName": "admin"}})
    wait_task(kube, "first-admin", "Pending", operator)
    wait_for(
        lambda: task_status(kube, "first-admin").get("reason") == "MissingReference", "the missing Secret to be named"
    )
    assert task_status(kube, "first-admin")["message"] == (
        f"spec.createSuperuser.secretName: Secret 'admin' not found in namespace {kube.namespace!r}"
    )
    assert any(reason == "MissingReference" for reason, _ in task_events(kube, "first-admin"))
    assert task_jobs(kube, "first-admin") == []

    kube.create_secret("admin", {"username": "admin", "email": "admin@example.org", "password": ADMIN_PASSWORD})
    wait_task(kube, "first-admin", "Succeeded", operator, timeout=30)
    container = task_jobs(kube, "first-admin")[0].spec.template.spec.containers[0]
    assert container.command == ["panelapp-manage", "createsuperuser", "--noinput"]
    password = next(e for e in container.env if e.name == "DJANGO_SUPERUSER_PASSWORD")
    assert password.value is None and password.value_from.secret_key_ref.name == "admin"
    assert ADMIN_PASSWORD not in json.dumps(task(kube, "first-admin"))
    assert ADMIN_PASSWORD not in str(task_events(kube, "first-admin")) and ADMIN_PASSWORD not in operator.log_text()


def test_a_mirror_task_runs_the_apps_mirror_command(kube, ready_panelapp, operator):
    source = "https://panelapp.genomicsengland.co.uk"
    create_task(kube, "mirror-ge", {"command": "mirror", "mirror": {"source": source}})
    wait_task(kube, "mirror-ge", "Succeeded", operator)
    [job] = task_jobs(kube, "mirror-ge")
    assert job.spec.template.spec.containers[0].command == ["panelapp-manage", "mirror", "--from", source]


def test_a_task_for_an_unknown_panelapp_waits(kube, operator):
    create_task(kube, "orphan", {"command": "check"})
    wait_for(lambda: task_status(kube, "orphan").get("reason") == "PanelAppNotFound", "the missing PanelApp")
    assert task_jobs(kube, "orphan") == []


def test_restore_needs_a_recorded_backup_and_maintenance(kube, ready_panelapp, operator):
    dump = "s3://panelapp-db-backups/panelapp-backups/ns/panelapp/20261201T090000Z-abcd1234.dump"
    kube.custom.patch_namespaced_custom_object_status(
        GROUP,
        VERSION,
        kube.namespace,
        "panelapps",
        "panelapp",
        {
            "status": {
                "backups": [
                    {
                        "upgradeKey": "abcd1234",
                        "job": "panelapp-backup-abcd1234",
                        "image": samples.IMAGE,
                        "objectKey": dump,
                    }
                ]
            }
        },
    )
    create_task(kube, "restore-unknown", {"command": "restore", "restore": {"upgradeKey": "00000000"}})
    status = wait_task(kube, "restore-unknown", "Refused", operator)
    assert status["reason"] == "BackupNotRecorded" and task_jobs(kube, "restore-unknown") == []

    create_task(kube, "restore-it", {"command": "restore", "restore": {"upgradeKey": "abcd1234"}})
    wait_for(lambda: task_status(kube, "restore-it").get("reason") == "NotInMaintenance", "the maintenance guard")
    assert task_jobs(kube, "restore-it") == []
    kube.patch_spec({"maintenance": {"enabled": True}})
    wait_task(kube, "restore-it", "Succeeded", operator)
    container = task_jobs(kube, "restore-it")[0].spec.template.spec.containers[0]
    assert container.command == ["panelapp-restore", f"--object={dump}"]
