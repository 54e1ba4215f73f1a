"""Safe upgrades: one migration Job per image, rollout only after it, failures block and recover,
and a restarted operator resumes without a second migration."""

from __future__ import annotations

from tests.operator import samples
from tests.operator.cluster.conftest import settle
from tests.operator.cluster.support import wait_for

FAIL = {"kwok.panelapp.org/outcome": "fail"}
STUCK = {"kwok.panelapp.org/outcome": "imagepull"}  # the pod never starts until the annotation goes


def migration_jobs_for(kube, image):
    return [j for j in kube.jobs("migrate") if j.metadata.annotations.get("panelapp.org/image") == image]


def test_image_bump_runs_exactly_one_migration_then_rolls_out(kube, ready_panelapp, operator):
    kube.patch_spec({"image": samples.NEXT_IMAGE})
    kube.wait_phase("Ready", image=samples.NEXT_IMAGE, describe=operator.log_tail)

    migrations = migration_jobs_for(kube, samples.NEXT_IMAGE)
    assert len(migrations) == 1
    collect = [
        j for j in kube.jobs("collectstatic") if j.metadata.annotations.get("panelapp.org/image") == samples.NEXT_IMAGE
    ]
    assert len(collect) == 1
    for deployment in ("panelapp-web", "panelapp-worker", "panelapp-beat"):
        assert kube.image_of(deployment) == samples.NEXT_IMAGE

    # The Deployments moved only after both Jobs' pods had exited 0: the new ReplicaSets are younger.
    finished = []
    for job in (migrations[0], collect[0]):
        pods = kube.core.list_namespaced_pod(
            kube.namespace, label_selector=f"batch.kubernetes.io/job-name={job.metadata.name}"
        ).items
        finished += [
            pod.status.container_statuses[0].state.terminated.finished_at
            for pod in pods
            if pod.status.phase == "Succeeded"
        ]
    assert len(finished) == 2
    for rs in kube.apps.list_namespaced_replica_set(kube.namespace).items:
        if rs.spec.template.spec.containers[0].image == samples.NEXT_IMAGE:
            assert rs.metadata.creation_timestamp >= max(finished).replace(microsecond=0)

    # Once the upgrade succeeded, the previous image's Jobs are cleaned up; the current ones stay.
    wait_for(lambda: not migration_jobs_for(kube, samples.IMAGE), "the previous migration Job to be removed")
    settle(5)  # resyncs must not start anything new
    assert len(migration_jobs_for(kube, samples.NEXT_IMAGE)) == 1
    reasons = kube.event_reasons()
    assert reasons.count("MigrationStarted") == 2 and reasons.count("RolloutComplete") == 2


def test_failed_migration_keeps_the_old_image_serving_then_recovers(kube, ready_panelapp, operator):
    kube.patch_spec({"image": samples.NEXT_IMAGE, "migrations": {"podTemplate": {"annotations": FAIL}}})
    status = kube.wait_phase("Degraded", describe=operator.log_tail)
    degraded = kube.condition("Degraded")
    assert degraded["status"] == "True" and degraded["reason"] == "MigrationFailed"
    assert "BackoffLimitExceeded" in degraded["message"] and "exited with code 1" in degraded["message"]
    assert kube.condition("MigrationsApplied")["status"] == "False"
    assert status["image"] == samples.IMAGE and status["upgrade"]["state"] == "Failed"
    failed_event = next(e for e in kube.events() if e.reason == "MigrationFailed")
    assert failed_event.type == "Warning" and "exited with code 1 (Error)" in failed_event.message

    web_generation = kube.deployment("panelapp-web").metadata.generation
    settle(6)  # several resyncs: no retry, no rollout
    assert len(migration_jobs_for(kube, samples.NEXT_IMAGE)) == 1
    for deployment in ("panelapp-web", "panelapp-worker", "panelapp-beat"):
        assert kube.image_of(deployment) == samples.IMAGE
    assert kube.deployment("panelapp-web").metadata.generation == web_generation
    assert kube.status()["components"]["web"]["readyReplicas"] == 2  # still serving

    # Recovery: fix the cause and ask for another run.
    kube.patch_spec({"migrations": {"trigger": "retry-1", "podTemplate": None}})
    ready = kube.wait_phase("Ready", image=samples.NEXT_IMAGE, describe=operator.log_tail)
    assert kube.condition("Degraded")["status"] == "False"
    # The retry ran once and succeeded; once the upgrade succeeded, the failed run's Job (kept for
    # its logs while the upgrade was failed) is cleaned up like every Job of an earlier upgrade.
    # (Whether a Ready status is read before or after that clean-up is a race, so wait for it.)
    retry_key = ready["upgrade"]["key"]
    wait_for(
        lambda: (
            [j.metadata.name for j in migration_jobs_for(kube, samples.NEXT_IMAGE)] == [f"panelapp-migrate-{retry_key}"]
        ),
        "only the retry's migration Job to remain",
        timeout=30,
        describe=operator.log_tail,
    )
    [retry] = migration_jobs_for(kube, samples.NEXT_IMAGE)
    assert retry.status.succeeded == 1


def test_timed_out_migration_fails_with_the_deadline_reason(kube, ready_panelapp, operator):
    kube.patch_spec(
        {"image": samples.NEXT_IMAGE, "migrations": {"timeoutSeconds": 10, "podTemplate": {"annotations": STUCK}}}
    )
    kube.wait_phase("Migrating", describe=operator.log_tail)
    # While the migration Job's pod cannot start, the old pods keep serving.
    assert kube.image_of("panelapp-web") == samples.IMAGE
    kube.wait_phase("Degraded", timeout=90, describe=operator.log_tail)
    assert "DeadlineExceeded" in kube.condition("Degraded")["message"]
    assert kube.image_of("panelapp-web") == samples.IMAGE


def test_restarted_operator_resumes_mid_upgrade_without_a_second_migration(
    kube, ready_panelapp, operator, start_operator
):
    kube.patch_spec({"image": samples.NEXT_IMAGE, "migrations": {"podTemplate": {"annotations": STUCK}}})
    kube.wait_phase("Migrating", describe=operator.log_tail)
    job = wait_for(lambda: migration_jobs_for(kube, samples.NEXT_IMAGE), "the migration Job")[0]

    operator.kill()  # mid-upgrade, without any chance to clean up

    # While no operator runs, the migration finishes.
    pod = wait_for(
        lambda: (
            kube.core.list_namespaced_pod(
                kube.namespace, label_selector=f"batch.kubernetes.io/job-name={job.metadata.name}"
            ).items
        ),
        "the Job's pod",
    )[0]
    kube.core.patch_namespaced_pod(
        pod.metadata.name, kube.namespace, {"metadata": {"annotations": {"kwok.panelapp.org/outcome": None}}}
    )
    wait_for(
        lambda: kube.batch.read_namespaced_job(job.metadata.name, kube.namespace).status.succeeded,
        "the migration Job to complete",
    )
    assert kube.status()["upgrade"]["state"] == "Migrating"  # nobody recorded it

    restarted = start_operator()
    kube.wait_phase("Ready", image=samples.NEXT_IMAGE, describe=restarted.log_tail)
    migrations = migration_jobs_for(kube, samples.NEXT_IMAGE)
    assert [j.metadata.uid for j in migrations] == [job.metadata.uid], "the finished migration ran again"
    assert kube.event_reasons().count("MigrationStarted") == 2  # the first install and this upgrade


def test_image_change_during_a_migration_stops_the_stale_one_first(kube, ready_panelapp, operator):
    kube.patch_spec({"image": samples.NEXT_IMAGE, "migrations": {"podTemplate": {"annotations": STUCK}}})
    kube.wait_phase("Migrating", describe=operator.log_tail)
    stale = wait_for(lambda: migration_jobs_for(kube, samples.NEXT_IMAGE), "the first migration Job")[0]
    third = "ghcr.io/panelapp-operator/panelapp:0.3.0"
    kube.patch_spec({"image": third, "migrations": {"podTemplate": None}})
    kube.wait_phase("Ready", image=third, describe=operator.log_tail)
    assert not migration_jobs_for(kube, samples.NEXT_IMAGE), f"{stale.metadata.name} should have been stopped"
    assert len(migration_jobs_for(kube, third)) == 1
