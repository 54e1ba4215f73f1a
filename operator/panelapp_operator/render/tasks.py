"""The Job of a PanelAppTask: one allow-listed command with its PanelApp's image, environment,
ServiceAccount, security context and pod overrides.

The allow-list maps each task command to the image's console commands (app/runtime/contract.py
and the app's management commands; tests/operator/unit/test_tasks.py checks every one exists).
Nothing a user writes becomes a command word except the S3 location of load-genes, which the
schema restricts to a bucket name and a key without whitespace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, assert_never

from panelapp_operator import names, task_spec
from panelapp_operator import spec as api
from panelapp_operator.render.context import RenderInput
from panelapp_operator.render.pods import ContainerPlan, pod_template

LABEL_TASK = f"{task_spec.KIND.lower()}.panelapp.org/name"

# Environment variables Django's `createsuperuser --noinput` reads.
SUPERUSER_ENV = ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_EMAIL", "DJANGO_SUPERUSER_PASSWORD")


@dataclass(frozen=True)
class TaskCommand:
    """What the image runs for a task command; `missing` says why the image cannot run it."""

    argv: tuple[str, ...] = ()
    missing: str | None = None


def command_of(
    spec: task_spec.PanelAppTaskSpec, media_bucket: str, backups: list[api.BackupRecord] | None = None
) -> TaskCommand:
    """What the image runs; `backups` are the PanelApp's recorded backups (for restore)."""
    if spec.command == "check":
        return TaskCommand(("panelapp-check",))
    if spec.command == "reset-stats":
        return TaskCommand(("panelapp-manage", "panels_reset_stats"))
    if spec.command == "create-superuser":
        return TaskCommand(("panelapp-manage", "createsuperuser", "--noinput"))
    if spec.command == "load-genes":
        assert spec.load_genes is not None  # the schema's rule
        source = spec.load_genes.source
        return TaskCommand(("panelapp-manage", "load_genes", f"s3://{source.bucket or media_bucket}/{source.key}"))
    if spec.command == "restore":
        assert spec.restore is not None  # the schema's rule
        record = next((b for b in backups or () if b.upgrade_key == spec.restore.upgrade_key), None)
        if record is None:
            return TaskCommand(
                missing=f"no backup with upgradeKey {spec.restore.upgrade_key!r} is recorded in the "
                "PanelApp's status.backups"
            )
        if not record.object_key:
            return TaskCommand(missing=f"the backup of upgrade {record.upgrade_key!r} has no recorded object key")
        return TaskCommand(("panelapp-restore", f"--object={record.object_key}"))
    if spec.command == "mirror":
        assert spec.mirror is not None  # the schema's rule
        return TaskCommand(
            ("panelapp-manage", "mirror", "--from", spec.mirror.source, *(("--full",) if spec.mirror.full else ()))
        )
    assert_never(spec.command)  # every command of the allow-list is handled above


def job_name(task_name: str, task_uid: str) -> str:
    """One Job per task object: a task deleted and created again under the same name gets a new one."""
    return f"{task_name}-{task_uid.replace('-', '')[:8]}"


def secret_keys(spec: task_spec.PanelAppTaskSpec) -> list[tuple[str, str, str, str]]:
    """(variable, Secret, key, the spec field naming the key) of the credentials the task's pod
    reads from a Secret."""
    credentials = spec.create_superuser
    if credentials is None:
        return []
    return list(
        zip(
            SUPERUSER_ENV,
            (credentials.secret_name,) * 3,
            (credentials.username_key, credentials.email_key, credentials.password_key),
            ("usernameKey", "emailKey", "passwordKey"),
            strict=True,
        )
    )


def render_task_job(
    inp: RenderInput,
    *,
    task_name: str,
    task_uid: str,
    spec: task_spec.PanelAppTaskSpec,
    image: str,
    command: TaskCommand,
) -> dict[str, Any]:
    """The Job, owned by the task (`inp` is the task's PanelApp, rendered without owner references)."""
    extra_env = [
        {"name": env_name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}
        for env_name, secret, key, _ in secret_keys(spec)
    ]
    plan = ContainerPlan(
        component=names.COMPONENT_TASK,
        image=image,
        command=list(command.argv),
        resources=None,
        overrides=None,
        extra_env=extra_env,
        restart_policy="Never",
    )
    template = pod_template(inp, plan)
    template["metadata"]["labels"][LABEL_TASK] = task_name
    metadata = inp.metadata(job_name(task_name, task_uid), names.COMPONENT_TASK)
    metadata["labels"][LABEL_TASK] = task_name
    metadata["ownerReferences"] = [
        {
            "apiVersion": api.API_VERSION,
            "kind": task_spec.KIND,
            "name": task_name,
            "uid": task_uid,
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata,
        "spec": {
            "backoffLimit": 0,  # an admin command is not retried behind anyone's back
            "activeDeadlineSeconds": spec.timeout_seconds,
            "template": template,
        },
    }
