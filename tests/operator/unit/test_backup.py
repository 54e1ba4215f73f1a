"""migrations.backup: a pg_dump Job before every migration; the migration waits for it, a failed
backup blocks it with Degraded, and a succeeded one is recorded in status.backups."""

from __future__ import annotations

import json

import pytest

from panelapp_operator import events, health, names, status, upgrade, validation
from panelapp_operator import spec as api
from panelapp_operator.render import jobs
from tests.operator import samples
from tests.operator.unit.render_helpers import container, render_input
from tests.operator.unit.test_upgrade_gate import job

NOW = "2026-12-01T09:30:00Z"
CHILD = names.ChildNames("panelapp")
KEY = names.upgrade_key(samples.NEXT_IMAGE, None)


def gate(jobs_=(), recorded=None, backup=True, succeeded=frozenset(), backed_up=False):
    return upgrade.decide(
        upgrade.UpgradeInput(
            instance="panelapp",
            image=samples.NEXT_IMAGE,
            trigger=None,
            collectstatic=False,
            recorded=recorded,
            current_image=samples.IMAGE,
            jobs={j["metadata"]["name"]: j for j in jobs_},
            now=NOW,
            backup=backup,
            succeeded_jobs=succeeded,
            backed_up=backed_up,
        )
    )


def test_a_recorded_backup_never_steps_the_upgrade_back_to_backing_up():
    """Once status.backups holds this upgrade's backup, the migration goes on whatever the
    backup Job looks like now: not yet complete in the cache, its pod gone, or the Job deleted."""
    done = gate([job(CHILD.backup_job(KEY), KEY, "succeeded")])
    assert done.upgrade.state == upgrade.MIGRATING
    for seen in ([job(CHILD.backup_job(KEY), KEY)], []):
        # Without the record, a backup Job that looks running (or is missing) holds the gate ...
        assert gate(seen, recorded=done.upgrade).upgrade.state == upgrade.BACKING_UP
        # ... with it, the migration is (still) what happens next, and no second backup runs.
        after = gate(seen, recorded=done.upgrade, backed_up=True)
        assert after.upgrade.state == upgrade.MIGRATING and after.create == ("migrate",), after
        assert "backup" not in after.create


def test_the_backup_runs_first_and_the_migration_only_after_it_succeeded():
    first = gate()
    assert first.upgrade.state == upgrade.BACKING_UP and first.create == ("backup",)
    assert first.upgrade.backup_job == CHILD.backup_job(KEY) and first.workload_image == samples.IMAGE
    running = gate([job(CHILD.backup_job(KEY), KEY)], recorded=first.upgrade)
    assert running.create == () and running.running_job == CHILD.backup_job(KEY)
    done = gate([job(CHILD.backup_job(KEY), KEY, "succeeded")], recorded=running.upgrade)
    assert done.upgrade.state == upgrade.MIGRATING and done.create == ("migrate",)
    # A backup pod that exited 0 is enough, as for the other steps.
    assert gate([job(CHILD.backup_job(KEY), KEY)], succeeded=frozenset({CHILD.backup_job(KEY)})).create == ("migrate",)
    assert gate(backup=False).create == ("migrate",)


def test_a_failed_backup_blocks_the_migration_with_degraded():
    failed = gate(
        [
            job(
                CHILD.backup_job(KEY),
                KEY,
                "failed",
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
            )
        ]
    )
    assert failed.upgrade.state == upgrade.UPGRADE_FAILED and failed.upgrade.failed_step == "backup"
    assert failed.create == () and failed.failed_job == CHILD.backup_job(KEY)
    assert "nothing was migrated" in failed.upgrade.message
    again = gate([job(CHILD.backup_job(KEY), KEY, "failed")], recorded=failed.upgrade)
    assert again.create == () and again.upgrade.state == upgrade.UPGRADE_FAILED  # no retry by itself

    st = status.build_status(status.Facts(3, NOW, api.PanelAppStatus(), upgrade=failed, components={}))
    by_type = {c.type: (c.status, c.reason) for c in st.conditions}
    assert st.phase == "Degraded" and by_type["Degraded"] == ("True", "BackupFailed")
    assert by_type["MigrationsApplied"] == ("False", "BackupFailed")
    assert "BackupFailed" in [e.reason for e in events.transition_events(api.PanelAppStatus(), st)]


def test_the_backup_job_dumps_to_the_configured_place_with_the_instance_s_environment():
    spec = samples.minimal_spec(migrations={"backup": {"bucket": "panelapp-db-backups", "prefix": "dumps/", "keep": 5}})
    manifest = jobs.render_backup_job(render_input(spec), samples.NEXT_IMAGE, KEY)
    app = container(manifest)
    assert manifest["metadata"]["name"] == f"panelapp-backup-{KEY}"
    assert app["command"] == [
        "panelapp-backup",
        "--bucket=panelapp-db-backups",
        "--prefix=dumps/ns/panelapp",
        f"--label={KEY}",
        "--keep=5",
    ]
    assert {var["name"] for var in app["env"]} >= {"DATABASE_PASSWORD"}
    assert manifest["spec"]["backoffLimit"] == 0 and manifest["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_backup_is_on_when_a_bucket_is_set_and_needs_one():
    assert validation.parse_spec(
        samples.minimal_spec(migrations={"backup": {"bucket": "b-ups"}})
    ).migrations.backup.active
    assert not validation.parse_spec(samples.minimal_spec()).migrations.backup.active
    assert not validation.parse_spec(
        samples.minimal_spec(migrations={"backup": {"bucket": "b-ups", "enabled": False}})
    ).migrations.backup.active
    with pytest.raises(validation.InvalidSpec, match=r"spec\.migrations\.backup\.bucket: a backup needs bucket"):
        validation.parse_spec(samples.minimal_spec(migrations={"backup": {"enabled": True}}))


def test_the_record_comes_from_the_termination_message():
    pod = {
        "status": {
            "phase": "Succeeded",
            "containerStatuses": [
                {
                    "state": {
                        "terminated": {
                            "exitCode": 0,
                            "finishedAt": "2026-12-01T09:31:00Z",
                            "message": json.dumps(
                                {
                                    "objectKey": "s3://b/dumps/ns/panelapp/20261201T093100Z-k.dump",
                                    "sizeBytes": 1234567,
                                    "durationSeconds": 4.2,
                                }
                            ),
                        }
                    }
                }
            ],
        }
    }
    record = health.backup_record(pod, "k", "panelapp-backup-k", samples.NEXT_IMAGE)
    assert (record.object_key, record.size_bytes, record.duration_seconds, record.finished_at) == (
        "s3://b/dumps/ns/panelapp/20261201T093100Z-k.dump",
        1234567,
        4.2,
        "2026-12-01T09:31:00Z",
    )
    bare = health.backup_record(
        {"status": {"containerStatuses": [{"state": {"terminated": {"message": "oops"}}}]}},
        "k",
        "j",
        samples.NEXT_IMAGE,
    )
    assert bare.object_key is None and bare.job == "j"
    previous = api.PanelAppStatus(
        backups=[api.BackupRecord(upgrade_key=str(i), job=f"j{i}", image="x") for i in range(10)]
    )
    st = status.build_status(
        status.Facts(
            3, NOW, previous, upgrade=gate([job(CHILD.backup_job(KEY), KEY, "succeeded")]), components={}, backup=record
        )
    )
    assert [b.job for b in st.backups][:2] == ["panelapp-backup-k", "j0"] and len(st.backups) == 10
