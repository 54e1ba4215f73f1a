"""The status of a PanelApp: observed state, written only by the operator."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from panelapp_operator.rules import json_name

Phase = Literal["Pending", "Migrating", "RollingOut", "Ready", "Degraded", "Suspended", "Invalid"]
PHASES: tuple[str, ...] = get_args(Phase)

CONDITION_TYPES = ("Ready", "Progressing", "Degraded", "MigrationsApplied", "ConfigValid", "Maintenance")


class StatusModel(BaseModel):
    """Base of status models: camelCase, tolerant of fields written by newer operator versions."""

    model_config = ConfigDict(alias_generator=json_name, populate_by_name=True, extra="ignore")


class Condition(StatusModel):
    """A metav1.Condition."""

    type: str = Field(description="Ready, Progressing, Degraded, MigrationsApplied, ConfigValid or Maintenance.")
    status: Literal["True", "False", "Unknown"] = Field(description="True, False or Unknown.")
    reason: str = Field(description="CamelCase reason of the last transition.")
    message: str = Field(default="", description="Human-readable detail.")
    last_transition_time: str = Field(description="When the status last changed (RFC 3339).")
    observed_generation: int | None = Field(default=None, description="Generation the condition was computed for.")


class ComponentStatus(StatusModel):
    """Replica counts and health of one Deployment."""

    replicas: int = Field(default=0, description="Desired replicas (from the spec or the autoscaler).")
    ready_replicas: int = Field(default=0, description="Replicas passing readiness.")
    updated_replicas: int = Field(default=0, description="Replicas running the current pod template.")
    available_replicas: int = Field(default=0, description="Replicas available to serve.")
    image: str | None = Field(default=None, description="Image of the Deployment's pod template.")
    ready: bool = Field(default=False, description="All replicas updated and available.")
    pod_failures: list[str] | None = Field(
        default=None, description="Pods failing to run, with the reason (CrashLoopBackOff, ImagePullBackOff, ...)."
    )


class ComponentsStatus(StatusModel):
    """Per-component status."""

    web: ComponentStatus | None = Field(default=None, description="The web Deployment.")
    worker: ComponentStatus | None = Field(default=None, description="The worker Deployment.")
    beat: ComponentStatus | None = Field(default=None, description="The beat Deployment.")


class UpgradeStatus(StatusModel):
    """Progress of the migrate -> collectstatic -> rollout sequence for the target image."""

    image: str = Field(description="Image being (or last) upgraded to.")
    trigger: str | None = Field(default=None, description="migrations.trigger at the time.")
    key: str = Field(description="Hash of image and trigger that names the Jobs.")
    state: Literal["Draining", "BackingUp", "Migrating", "CollectingStatic", "RollingOut", "Succeeded", "Failed"] = (
        Field(
            description="Where the upgrade is. Draining (strategy Maintenance): waiting for web to be read-only and "
            "for worker and beat to stop. BackingUp: migrations.backup runs before the migration."
        )
    )
    backup_job: str | None = Field(default=None, description="Name of the backup Job, with migrations.backup.")
    migration_job: str | None = Field(default=None, description="Name of the migration Job.")
    collectstatic_job: str | None = Field(default=None, description="Name of the collectstatic Job.")
    failed_step: Literal["backup", "migrate", "collectstatic"] | None = Field(
        default=None, description="Which Job failed, when state is Failed."
    )
    message: str | None = Field(default=None, description="Detail, e.g. the Job's failure reason.")
    started_at: str | None = Field(default=None, description="When the migration Job was created.")
    finished_at: str | None = Field(default=None, description="When the upgrade succeeded or failed.")


class BackupRecord(StatusModel):
    """One backup taken before a migration (what a restore needs)."""

    upgrade_key: str = Field(description="The upgrade it was taken for.")
    job: str = Field(description="Name of the backup Job.")
    image: str = Field(description="The release being installed when it was taken.")
    finished_at: str | None = Field(default=None, description="When the backup Job's pod finished.")
    object_key: str | None = Field(default=None, description="S3 key of the dump (s3://bucket/key).")
    size_bytes: int | None = Field(default=None, description="Size of the dump.")
    duration_seconds: float | None = Field(default=None, description="How long pg_dump and the upload took.")


class PanelAppStatus(StatusModel):
    """Observed state, written only by the operator."""

    observed_generation: int | None = Field(default=None, description="metadata.generation last reconciled.")
    phase: Phase | None = Field(
        default=None, description="Pending, Migrating, RollingOut, Ready, Degraded, Suspended or Invalid."
    )
    ready: str | None = Field(default=None, description="Ready pods over desired pods, e.g. 3/3.")
    image: str | None = Field(
        default=None, description="Image web, worker and beat run (set when the Deployments are moved to it)."
    )
    migrated_image: str | None = Field(default=None, description="Last image whose migration Job succeeded.")
    component_images: dict[str, str] | None = Field(
        default=None,
        description="Images of the components that run their own (web.image, worker.image, "
        "beat.image), set with image when the Deployments are moved to them.",
    )
    upgrade: UpgradeStatus | None = Field(default=None, description="The current or last upgrade.")
    backups: list[BackupRecord] | None = Field(
        default=None, description="The last backups taken before migrations, newest first (at most 10)."
    )
    components: ComponentsStatus | None = Field(default=None, description="Per-component replicas and readiness.")
    config_hash: str | None = Field(
        default=None,
        description="Hash of the rendered configuration and the "
        "referenced Secrets' versions, stamped on the pod templates.",
    )
    conditions: list[Condition] | None = Field(
        default=None,
        description="Ready, Progressing, Degraded, "
        "MigrationsApplied, ConfigValid and, once maintenance was on, "
        "Maintenance (True while web is read-only).",
    )
