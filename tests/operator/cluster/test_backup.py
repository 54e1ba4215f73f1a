"""migrations.backup on the local control plane (stand-in pods: no real pg_dump runs here; that is
tests/runtime/test_backup.py): the backup Job goes before the migration Job, is recorded in status, and
a failed backup blocks the migration with Degraded while the old release keeps serving."""

from __future__ import annotations

from kubernetes import client

from tests.operator import samples
from tests.operator.cluster.conftest import settle
from tests.operator.cluster.test_maintenance import Recorder, component

FAIL = {"kwok.panelapp.org/outcome": "fail"}
BACKUP = {"bucket": "panelapp-db-backups", "keep": 3}


def jobs_for(kube, step, image):
    return [j for j in kube.jobs(step) if j.metadata.annotations.get("panelapp.org/image") == image]


def test_the_backup_runs_before_the_migration_and_is_recorded(kube, ready_panelapp, operator):
    recorder = Recorder(kube)
    try:
        kube.patch_spec({"image": samples.NEXT_IMAGE, "migrations": {"backup": BACKUP}})
        kube.wait_phase("Ready", image=samples.NEXT_IMAGE, timeout=90, describe=operator.log_tail)
    finally:
        recorder.stop()
    [backup] = jobs_for(kube, "backup", samples.NEXT_IMAGE)
    assert backup.spec.template.spec.containers[0].command[:2] == ["panelapp-backup", "--bucket=panelapp-db-backups"]
    backup_pod_done = recorder.first(
        "the backup pod succeeding",
        lambda kind, obj: (
            isinstance(obj, client.V1Pod) and component(obj) == "backup" and obj.status.phase == "Succeeded"
        ),
    )
    migration_created = recorder.first(
        "the migration Job",
        lambda kind, obj: (
            kind == "ADDED"
            and isinstance(obj, client.V1Job)
            and component(obj) == "migrate"
            and obj.metadata.annotations["panelapp.org/image"] == samples.NEXT_IMAGE
        ),
    )
    assert backup_pod_done < migration_created
    [record] = kube.status()["backups"]
    assert record["job"] == backup.metadata.name and record["image"] == samples.NEXT_IMAGE
    assert record["upgradeKey"] == kube.status()["upgrade"]["key"]
    # Each step is announced once, in order.
    reasons = kube.event_reasons()
    upgrade_events = reasons[reasons.index("BackupStarted") :]  # the install before it has its own
    steps = [r for r in upgrade_events if r in ("BackupStarted", "BackupSucceeded", "MigrationStarted")]
    assert steps == ["BackupStarted", "BackupSucceeded", "MigrationStarted"], upgrade_events


def test_a_failed_backup_blocks_the_migration(kube, ready_panelapp, operator):
    kube.patch_spec(
        {"image": samples.NEXT_IMAGE, "migrations": {"backup": BACKUP, "podTemplate": {"annotations": FAIL}}}
    )
    kube.wait_phase("Degraded", describe=operator.log_tail)
    degraded = kube.condition("Degraded")
    assert degraded["reason"] == "BackupFailed" and "nothing was migrated" in degraded["message"]
    assert kube.condition("MigrationsApplied")["reason"] == "BackupFailed"
    settle(5)  # resyncs: no retry, no migration
    assert jobs_for(kube, "migrate", samples.NEXT_IMAGE) == []
    assert len(jobs_for(kube, "backup", samples.NEXT_IMAGE)) == 1
    assert kube.image_of("panelapp-web") == samples.IMAGE
    assert "BackupFailed" in kube.event_reasons()

    kube.patch_spec({"migrations": {"podTemplate": None, "trigger": "after-fixing-the-bucket"}})
    kube.wait_phase("Ready", image=samples.NEXT_IMAGE, timeout=90, describe=operator.log_tail)
    assert len(jobs_for(kube, "migrate", samples.NEXT_IMAGE)) == 1
