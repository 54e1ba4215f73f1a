"""The migration gate: Deployments move to an image only after its Jobs succeeded, a failed
migration is never retried by itself, and progress survives operator restarts."""

from __future__ import annotations

from panelapp_operator import events, names, upgrade
from panelapp_operator import spec as api
from tests.operator.samples import IMAGE, NEXT_IMAGE

NOW = "2026-11-26T12:00:00Z"
CHILD = names.ChildNames("panelapp")


def job(name, key, state=None, reason="", message=""):
    conditions = []
    if state == "succeeded":
        conditions = [{"type": "Complete", "status": "True"}]
    elif state == "failed":
        conditions = [{"type": "Failed", "status": "True", "reason": reason, "message": message}]
    return {"metadata": {"name": name, "labels": {names.LABEL_UPGRADE_KEY: key}}, "status": {"conditions": conditions}}


def decide(image=NEXT_IMAGE, trigger=None, recorded=None, current=IMAGE, jobs=(), collectstatic=True, **more):
    return upgrade.decide(
        upgrade.UpgradeInput(
            instance="panelapp",
            image=image,
            trigger=trigger,
            collectstatic=collectstatic,
            recorded=recorded,
            current_image=current,
            jobs={j["metadata"]["name"]: j for j in jobs},
            now=NOW,
            **more,
        )
    )


def key_of(image=NEXT_IMAGE, trigger=None):
    return names.upgrade_key(image, trigger)


def test_first_install_creates_the_migration_and_no_deployments():
    decision = decide(image=IMAGE, current=None)
    assert decision.create == ("migrate",)
    assert decision.workload_image is None
    assert decision.upgrade.state == upgrade.MIGRATING
    assert decision.upgrade.migration_job == CHILD.migration_job(key_of(IMAGE))


def test_new_image_is_migrated_while_the_old_one_keeps_running():
    decision = decide()
    assert decision.create == ("migrate",) and decision.workload_image == IMAGE


def test_running_migration_creates_nothing_more():
    key = key_of()
    decision = decide(jobs=[job(CHILD.migration_job(key), key)])
    assert decision.create == () and decision.workload_image == IMAGE
    assert decision.upgrade.state == upgrade.MIGRATING


def test_collectstatic_follows_the_migration_then_the_rollout():
    key = key_of()
    migrated = job(CHILD.migration_job(key), key, "succeeded")
    decision = decide(jobs=[migrated])
    assert decision.create == ("collectstatic",) and decision.workload_image == IMAGE
    assert decision.upgrade.state == upgrade.COLLECTING_STATIC
    decision = decide(jobs=[migrated, job(CHILD.collectstatic_job(key), key, "succeeded")])
    assert decision.create == () and decision.workload_image == NEXT_IMAGE
    assert decision.upgrade.state == upgrade.ROLLING_OUT and decision.jobs_done


def test_without_collectstatic_the_rollout_follows_the_migration():
    key = key_of()
    decision = decide(jobs=[job(CHILD.migration_job(key), key, "succeeded")], collectstatic=False)
    assert decision.workload_image == NEXT_IMAGE and decision.upgrade.collectstatic_job is None


def test_failed_migration_keeps_the_old_image_and_says_why():
    key = key_of()
    failed = job(CHILD.migration_job(key), key, "failed", "DeadlineExceeded", "Job was active longer than specified")
    decision = decide(jobs=[failed])
    assert decision.upgrade.state == upgrade.UPGRADE_FAILED and decision.workload_image == IMAGE
    assert decision.failed_job == CHILD.migration_job(key)
    assert "DeadlineExceeded" in decision.upgrade.message and decision.upgrade.failed_step == "migrate"
    detailed = upgrade.with_pod_detail(decision, "pod x: container migrate exited with code 1 (Error)")
    assert detailed.upgrade.message.endswith("exited with code 1 (Error)")


def test_a_failed_migration_is_not_retried_even_if_its_job_is_gone():
    key = key_of()
    recorded = api.UpgradeStatus(image=NEXT_IMAGE, key=key, state="Failed", message="boom", failed_step="migrate")
    decision = decide(recorded=recorded, jobs=[])
    assert decision.create == () and decision.upgrade.state == upgrade.UPGRADE_FAILED
    assert decision.upgrade.message == "boom"


def test_a_new_trigger_retries():
    key = key_of()
    recorded = api.UpgradeStatus(image=NEXT_IMAGE, key=key, state="Failed", message="boom")
    failed = job(CHILD.migration_job(key), key, "failed", "BackoffLimitExceeded")
    decision = decide(trigger="retry-1", recorded=recorded, jobs=[failed])
    assert decision.create == ("migrate",)
    assert decision.upgrade.key == key_of(trigger="retry-1") != key
    assert decision.delete == ()  # a failed Job is not running: nothing to stop; kept for its logs


def test_restart_after_the_job_finished_but_before_status_recorded_it():
    """The operator died after creating the Job; the Job finished while it was gone."""
    key = key_of()
    recorded = api.UpgradeStatus(image=NEXT_IMAGE, key=key, state="Migrating", started_at="earlier")
    decision = decide(recorded=recorded, jobs=[job(CHILD.migration_job(key), key, "succeeded")])
    assert decision.create == ("collectstatic",)
    assert decision.upgrade.started_at == "earlier"


def test_migrated_earlier_and_job_cleaned_up_is_not_migrated_again():
    key = key_of()
    recorded = api.UpgradeStatus(image=NEXT_IMAGE, key=key, state="CollectingStatic")
    decision = decide(recorded=recorded, jobs=[job(CHILD.collectstatic_job(key), key)])
    assert "migrate" not in decision.create and decision.upgrade.state == upgrade.COLLECTING_STATIC


def test_done_upgrades_never_create_jobs_again():
    key = key_of()
    for state in ("RollingOut", "Succeeded"):
        recorded = api.UpgradeStatus(image=NEXT_IMAGE, key=key, state=state)
        decision = decide(recorded=recorded, jobs=[])
        assert decision.create == () and decision.workload_image == NEXT_IMAGE


def test_a_running_job_of_a_superseded_image_is_stopped_before_a_new_migration():
    old_key = key_of(IMAGE)
    stale = job(CHILD.migration_job(old_key), old_key)
    decision = decide(jobs=[stale])
    assert decision.create == () and decision.delete == (CHILD.migration_job(old_key),)
    assert decision.waiting and decision.upgrade.state == upgrade.MIGRATING


def test_a_previous_job_whose_pod_succeeded_does_not_hold_the_next_upgrade():
    """The Job controller lags its pods: the install's collectstatic Job can still say active
    while its pod has exited 0 (which is what made the install Ready)."""
    old_key = key_of(IMAGE)
    lagging = job(CHILD.collectstatic_job(old_key), old_key)
    decision = decide(jobs=[lagging], succeeded_jobs=frozenset({CHILD.collectstatic_job(old_key)}))
    assert decision.create == ("migrate",) and not decision.waiting and decision.delete == ()


def test_each_step_of_a_backed_up_upgrade_is_announced_once_even_behind_a_stale_job():
    old_key, key = key_of(IMAGE), key_of()
    stale = job(CHILD.migration_job(old_key), old_key)
    backup = CHILD.backup_job(key)
    passes = [
        {"jobs": [stale]},  # waits for the stale Job (at the backup, the first step)
        {"jobs": []},  # creates the backup
        {"jobs": [job(backup, key)]},  # the backup runs
        {"jobs": [job(backup, key, "succeeded")], "backed_up": True},  # on record: migrate
        {"jobs": [job(backup, key, "succeeded"), job(CHILD.migration_job(key), key)], "backed_up": True},
    ]
    waiting = decide(backup=True, jobs=[stale])
    assert waiting.waiting and waiting.upgrade.state == upgrade.BACKING_UP and waiting.create == ()
    previous = api.PanelAppStatus()
    reasons: list[str] = []
    for observed in passes:
        decision = decide(recorded=previous.upgrade, backup=True, **observed)
        current = previous.model_copy(update={"upgrade": decision.upgrade})
        reasons += [event.reason for event in events.transition_events(previous, current)]
        previous = current
    assert reasons == ["BackupStarted", "BackupSucceeded", "MigrationStarted"]


def test_old_jobs_are_cleaned_up_once_the_upgrade_succeeded():
    old_key, key = key_of(IMAGE), key_of()
    recorded = api.UpgradeStatus(image=NEXT_IMAGE, key=key, state="Succeeded")
    jobs = [job(CHILD.migration_job(old_key), old_key, "succeeded"), job(CHILD.migration_job(key), key, "succeeded")]
    decision = decide(recorded=recorded, jobs=jobs)
    assert decision.delete == (CHILD.migration_job(old_key),)


def test_rollout_finished_completes_the_upgrade():
    key = key_of()
    recorded = api.UpgradeStatus(image=NEXT_IMAGE, key=key, state="RollingOut")
    decision = upgrade.rollout_finished(decide(recorded=recorded), NOW)
    assert decision.upgrade.state == upgrade.UPGRADE_SUCCEEDED and decision.upgrade.finished_at == NOW


def test_job_outcome_reads_terminal_conditions_only():
    assert upgrade.job_outcome({"status": {}}).state == upgrade.RUNNING
    assert (
        upgrade.job_outcome({"status": {"conditions": [{"type": "FailureTarget", "status": "True"}]}}).state
        == upgrade.RUNNING
    )
    assert (
        upgrade.job_outcome({"status": {"conditions": [{"type": "Failed", "status": "False"}]}}).state
        == upgrade.RUNNING
    )


def test_stuck_job_pods_are_explained_while_waiting():
    key = key_of()
    decision = decide(jobs=[job(CHILD.migration_job(key), key)])
    assert decision.running_job == CHILD.migration_job(key)
    stuck = upgrade.with_stuck_pods(decision, ["m-1: ImagePullBackOff"])
    assert stuck.upgrade.message.endswith("its pod is stuck: m-1: ImagePullBackOff")
    assert upgrade.with_stuck_pods(decision, []) is decision


def test_a_pod_that_exited_zero_is_success_before_the_job_records_it():
    key = key_of()
    running = job(CHILD.migration_job(key), key)
    decision = upgrade.decide(
        upgrade.UpgradeInput(
            instance="panelapp",
            image=NEXT_IMAGE,
            trigger=None,
            collectstatic=True,
            recorded=None,
            current_image=IMAGE,
            jobs={running["metadata"]["name"]: running},
            now=NOW,
            succeeded_jobs=frozenset({CHILD.migration_job(key)}),
        )
    )
    assert decision.create == ("collectstatic",)


def test_recorded_migration_success_is_not_undone_by_a_late_job_condition():
    key = key_of()
    recorded = api.UpgradeStatus(image=NEXT_IMAGE, key=key, state="CollectingStatic")
    late_failure = job(CHILD.migration_job(key), key, "failed", "DeadlineExceeded")
    decision = decide(recorded=recorded, jobs=[late_failure, job(CHILD.collectstatic_job(key), key, "succeeded")])
    assert decision.upgrade.state == upgrade.ROLLING_OUT
