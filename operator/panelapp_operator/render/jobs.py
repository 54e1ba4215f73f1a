"""The backup, migration and collectstatic Jobs of an upgrade.

Both run the *new* image with the same configuration as the Deployments. Their names come from the
image and the migration trigger (names.upgrade_key), so each upgrade has exactly one of each, and a
restarted operator finds them instead of starting them again. Retries are not the Job's business:
a failed Job stays failed until the image or the trigger changes.
"""

from __future__ import annotations

from typing import Any

from panelapp_operator import names
from panelapp_operator.render.context import RenderInput
from panelapp_operator.render.pods import ContainerPlan, pod_template


def _job(
    inp: RenderInput,
    *,
    name: str,
    component: str,
    image: str,
    key: str,
    command: list[str],
    args: list[str] | None,
    plan_kwargs: dict[str, Any],
    timeout_seconds: int,
    backoff_limit: int,
) -> dict[str, Any]:
    plan = ContainerPlan(
        component=component, image=image, command=command, args=args, restart_policy="Never", **plan_kwargs
    )
    template = pod_template(inp, plan)
    metadata = inp.metadata(name, component)
    metadata["labels"][names.LABEL_UPGRADE_KEY] = key
    metadata["annotations"] = {
        names.ANNOTATION_IMAGE: image,
        names.ANNOTATION_TRIGGER: inp.spec.migrations.trigger or "",
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata,
        "spec": {
            "backoffLimit": backoff_limit,
            "activeDeadlineSeconds": timeout_seconds,
            "template": template,
        },
    }


def render_migration_job(inp: RenderInput, image: str, key: str) -> dict[str, Any]:
    migrations = inp.spec.migrations
    return _job(
        inp,
        name=inp.names.migration_job(key),
        component=names.COMPONENT_MIGRATE,
        image=image,
        key=key,
        command=migrations.command or ["panelapp-migrate"],
        args=migrations.args,
        plan_kwargs={"resources": migrations.resources, "overrides": migrations.pod_template},
        timeout_seconds=migrations.timeout_seconds,
        backoff_limit=migrations.backoff_limit,
    )


def render_backup_job(inp: RenderInput, image: str, key: str) -> dict[str, Any]:
    """pg_dump of the instance's database to S3 (panelapp-backup), before the migration. The dump's
    key, size and duration come back in the container's termination message, which the operator
    records in status.backups."""
    backup = inp.spec.migrations.backup
    assert backup.bucket is not None  # the schema's rule
    return _job(
        inp,
        name=inp.names.backup_job(key),
        component=names.COMPONENT_BACKUP,
        image=image,
        key=key,
        command=[
            "panelapp-backup",
            f"--bucket={backup.bucket}",
            f"--prefix={backup.prefix.rstrip('/')}/{inp.namespace}/{inp.name}",
            f"--label={key}",
            f"--keep={backup.keep}",
        ],
        args=None,
        plan_kwargs={"resources": backup.resources, "overrides": inp.spec.migrations.pod_template},
        timeout_seconds=backup.timeout_seconds,
        backoff_limit=0,
    )


def render_collectstatic_job(inp: RenderInput, image: str, key: str) -> dict[str, Any]:
    collectstatic = inp.spec.collectstatic
    return _job(
        inp,
        name=inp.names.collectstatic_job(key),
        component=names.COMPONENT_COLLECTSTATIC,
        image=image,
        key=key,
        # panelapp-collectstatic never clears the bucket: pods still on the old image keep finding
        # the hashed assets their pages reference.
        command=collectstatic.command or ["panelapp-collectstatic"],
        args=collectstatic.args,
        plan_kwargs={"resources": collectstatic.resources, "overrides": collectstatic.pod_template},
        timeout_seconds=collectstatic.timeout_seconds,
        backoff_limit=inp.spec.migrations.backoff_limit,
    )
