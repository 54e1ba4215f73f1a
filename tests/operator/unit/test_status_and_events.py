"""Status as an API (phase, conditions, components) and the Events its transitions produce."""

from __future__ import annotations

from panelapp_operator import events, health, status, upgrade
from panelapp_operator import spec as api
from tests.operator.samples import IMAGE, NEXT_IMAGE

T0, T1 = "2026-11-26T12:00:00Z", "2026-11-26T12:05:00Z"


def component(ready=True, replicas=2, failures=None, image=IMAGE):
    return api.ComponentStatus(
        replicas=replicas,
        ready_replicas=replicas if ready else 0,
        updated_replicas=replicas,
        available_replicas=replicas if ready else 0,
        image=image,
        ready=ready,
        pod_failures=failures,
    )


def decision(state, image=IMAGE, message="", failed_step=None, waiting=None):
    collecting = state in ("CollectingStatic", "RollingOut", "Succeeded") or failed_step == "collectstatic"
    up = api.UpgradeStatus(
        image=image,
        key="k",
        state=state,
        message=message,
        failed_step=failed_step,
        migration_job="panelapp-migrate-k",
        collectstatic_job="panelapp-collectstatic-k" if collecting else None,
    )
    workload = image if state in upgrade.JOBS_DONE_STATES else IMAGE
    return upgrade.UpgradeDecision(upgrade=up, workload_image=workload, waiting=waiting)


def build(previous=None, now=T0, generation=1, **facts):
    return status.build_status(status.Facts(generation, now, previous or api.PanelAppStatus(), **facts))


def conditions(st):
    return {c.type: (c.status, c.reason) for c in st.conditions}


def test_converged_is_ready():
    st = build(upgrade=decision("Succeeded"), components={"web": component(), "worker": component(replicas=1)})
    assert st.phase == "Ready" and st.ready == "3/3" and st.image == IMAGE and st.observed_generation == 1
    assert conditions(st) == {
        "Ready": ("True", "Ready"),
        "Progressing": ("False", "Converged"),
        "Degraded": ("False", "AsExpected"),
        "MigrationsApplied": ("True", "Migrated"),
        "ConfigValid": ("True", "Valid"),
    }


def test_same_facts_give_the_same_status_so_no_write():
    facts = {"upgrade": decision("Succeeded"), "components": {"web": component()}}
    first = build(**facts)
    again = build(previous=first, now=T1, **facts)
    assert again == first  # lastTransitionTime kept: nothing changed


def test_migrating_and_rolling_out():
    st = build(upgrade=decision("Migrating", NEXT_IMAGE), components={"web": component()})
    assert st.phase == "Migrating" and conditions(st)["Ready"] == ("False", "Upgrading")
    assert conditions(st)["Progressing"] == ("True", "Migrating")
    st = build(upgrade=decision("RollingOut", NEXT_IMAGE), components={"web": component(ready=False)})
    assert st.phase == "RollingOut" and st.image == NEXT_IMAGE and st.migrated_image == NEXT_IMAGE
    assert conditions(st)["MigrationsApplied"] == ("True", "Migrated")


def test_failed_migration_is_degraded_and_names_what_still_serves():
    st = build(
        upgrade=decision("Failed", NEXT_IMAGE, "migration job x failed (BackoffLimitExceeded)", "migrate"),
        components={"web": component()},
        previous=api.PanelAppStatus(image=IMAGE),
    )
    assert st.phase == "Degraded" and st.image == IMAGE
    assert conditions(st)["Degraded"] == ("True", "MigrationFailed")
    assert conditions(st)["MigrationsApplied"] == ("False", "MigrationFailed")
    ready = next(c for c in st.conditions if c.type == "Ready")
    assert ready.status == "False" and f"{IMAGE} keeps serving" in ready.message


def test_failed_collectstatic_still_counts_the_migration():
    st = build(
        upgrade=decision("Failed", NEXT_IMAGE, "collectstatic job y failed", "collectstatic"),
        components={"web": component()},
    )
    assert conditions(st)["Degraded"] == ("True", "CollectstaticFailed")
    assert conditions(st)["MigrationsApplied"] == ("True", "Migrated")


def test_failing_pods_are_surfaced():
    st = build(
        upgrade=decision("Succeeded"),
        components={"web": component(ready=False, failures=["panelapp-web-x: CrashLoopBackOff"])},
    )
    assert st.phase == "Degraded" and conditions(st)["Degraded"] == ("True", "PodsFailing")
    assert st.components.web.pod_failures == ["panelapp-web-x: CrashLoopBackOff"]


def test_invalid_spec_keeps_the_other_conditions():
    ready = build(upgrade=decision("Succeeded"), components={"web": component()})
    st = build(
        previous=ready,
        generation=2,
        problem=status.ConfigProblem("InvalidSpec", "spec.aws.region: bad"),
        components={"web": component()},
    )
    assert st.phase == "Invalid" and conditions(st)["ConfigValid"] == ("False", "InvalidSpec")
    assert conditions(st)["Ready"] == ("True", "Ready")  # what runs still runs
    assert st.image == IMAGE


def test_suspended():
    st = build(suspended=True, components={"web": component()})
    assert st.phase == "Suspended" and conditions(st)["Progressing"] == ("False", "Suspended")


def reasons(old, new):
    return [e.reason for e in events.transition_events(old, new)]


def test_events_follow_the_upgrade_milestones():
    migrating = build(upgrade=decision("Migrating", NEXT_IMAGE), components={"web": component()})
    assert reasons(api.PanelAppStatus(), migrating) == ["MigrationStarted"]
    collecting = build(
        previous=migrating, upgrade=decision("CollectingStatic", NEXT_IMAGE), components={"web": component()}
    )
    assert reasons(migrating, collecting) == ["MigrationSucceeded", "CollectstaticStarted"]
    rolling = build(
        previous=collecting, upgrade=decision("RollingOut", NEXT_IMAGE), components={"web": component(ready=False)}
    )
    assert reasons(collecting, rolling) == ["RolloutStarted"]
    done = build(previous=rolling, upgrade=decision("Succeeded", NEXT_IMAGE), components={"web": component()})
    assert reasons(rolling, done) == ["RolloutComplete", "Ready"]
    assert (
        reasons(done, build(previous=done, upgrade=decision("Succeeded", NEXT_IMAGE), components={"web": component()}))
        == []
    )


def test_failure_and_config_events_are_warnings():
    migrating = build(upgrade=decision("Migrating", NEXT_IMAGE), components={"web": component()})
    failed = build(
        previous=migrating,
        upgrade=decision("Failed", NEXT_IMAGE, "job failed (Error)", "migrate"),
        components={"web": component()},
    )
    found = events.transition_events(migrating, failed)
    assert [(e.type, e.reason) for e in found] == [("Warning", "MigrationFailed")]
    assert "job failed (Error)" in found[0].message
    invalid = build(previous=failed, problem=status.ConfigProblem("MissingReference", "spec.x: Secret 'a' not found"))
    found = events.transition_events(failed, invalid)
    assert [(e.type, e.reason, e.message) for e in found] == [
        ("Warning", "MissingReference", "spec.x: Secret 'a' not found")
    ]
    assert (
        events.transition_events(
            invalid,
            build(previous=invalid, problem=status.ConfigProblem("MissingReference", "spec.x: Secret 'a' not found")),
        )
        == []
    )


def test_component_status_from_a_deployment():
    deployment = {
        "metadata": {"generation": 3},
        "spec": {"replicas": 2, "template": {"spec": {"containers": [{"image": IMAGE}]}}},
        "status": {
            "observedGeneration": 3,
            "replicas": 3,
            "updatedReplicas": 2,
            "availableReplicas": 2,
            "readyReplicas": 3,
        },
    }
    summary = health.component_status(deployment)
    assert not summary.ready  # an old pod is still there
    deployment["status"]["replicas"] = 2
    assert health.component_status(deployment).ready
    deployment["status"]["observedGeneration"] = 2
    assert not health.component_status(deployment).ready


def test_pod_failure_reasons():
    pods = [
        {
            "metadata": {"name": "web-1", "labels": {"app.kubernetes.io/component": "web"}},
            "status": {
                "phase": "Running",
                "containerStatuses": [
                    {"name": "web", "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}}}
                ],
            },
        },
        {
            "metadata": {"name": "worker-1", "labels": {"app.kubernetes.io/component": "worker"}},
            "status": {
                "phase": "Pending",
                "containerStatuses": [{"name": "worker", "state": {"waiting": {"reason": "ImagePullBackOff"}}}],
            },
        },
        {
            "metadata": {"name": "web-2", "labels": {"app.kubernetes.io/component": "web"}},
            "status": {"phase": "Running", "containerStatuses": [{"name": "web", "state": {"running": {}}}]},
        },
    ]
    assert health.pod_failures(pods) == {
        "web": ["web-1: CrashLoopBackOff: back-off 5m0s"],
        "worker": ["worker-1: ImagePullBackOff"],
    }
    never_pulled = {
        "metadata": {"name": "m-2"},
        "status": {
            "phase": "Pending",
            "containerStatuses": [
                {
                    "name": "migrate",
                    "state": {
                        "waiting": {
                            "reason": "ErrImageNeverPull",
                            "message": 'Container image "x:1" is not present with pull policy of Never',
                        }
                    },
                }
            ],
        },
    }
    assert health.job_pod_failure([never_pulled]).startswith("pod m-2: ErrImageNeverPull: Container image")
    failed_job_pod = {
        "metadata": {"name": "m-1"},
        "status": {
            "phase": "Failed",
            "containerStatuses": [
                {"name": "migrate", "state": {"terminated": {"exitCode": 1, "reason": "Error", "message": "no DB"}}}
            ],
        },
    }
    assert health.job_pod_failure([failed_job_pod]) == "pod m-1: container migrate exited with code 1 (Error): no DB"


def test_backup_events_are_not_lost_when_one_reconcile_passes_the_backup():
    """The status that said BackingUp may never have been written: the Events still tell it all."""
    before = api.UpgradeStatus(image=IMAGE, key="a", state="Succeeded", migration_job="m-a")
    after = api.UpgradeStatus(image=NEXT_IMAGE, key="b", state="Migrating", backup_job="b-b", migration_job="m-b")
    reasons = [e.reason for e in events._upgrade_events(before, after)]
    assert reasons == ["BackupStarted", "BackupSucceeded", "MigrationStarted"]
    backing_up = after.model_copy(update={"state": "BackingUp"})
    assert [e.reason for e in events._upgrade_events(before, backing_up)] == ["BackupStarted"]
    assert [e.reason for e in events._upgrade_events(backing_up, after)] == ["BackupSucceeded", "MigrationStarted"]
