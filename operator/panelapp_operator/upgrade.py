"""The migration gate: decides, from status and the observed Jobs, where an upgrade stands.

The sequence for a new image (or a new migrations.trigger) is

    [Draining ->] [BackingUp ->] Migrating -> CollectingStatic -> RollingOut -> Succeeded
                                                               (or Failed, and it stays there)

Draining is the first step of a maintenance upgrade (migrations.strategy Maintenance): web turns
read-only and worker and beat stop, and the migration waits until that is observed. Web stays
read-only and the workers stopped until the rollout (or, after a failure, the next attempt).
BackingUp (migrations.backup): a pg_dump Job must succeed before the migration Job is created; a
failed backup fails the upgrade, and nothing was migrated.

and the Deployments are only moved to the new image once both Jobs succeeded. Everything here is
pure: the reconciler feeds in what it observed and performs the actions this module returns.

Why it never runs a finished migration twice, even across operator restarts: the Jobs' names are a
function of (image, trigger); status.upgrade records progress *after* each step is observed; and a
step is re-derived from the Job itself when status lags behind (the operator died between creating
a Job and recording it, or between seeing it finish and recording that).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from panelapp_operator import names
from panelapp_operator import spec as api

RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"

DRAINING = "Draining"
BACKING_UP = "BackingUp"
MIGRATING = "Migrating"
COLLECTING_STATIC = "CollectingStatic"
ROLLING_OUT = "RollingOut"
UPGRADE_SUCCEEDED = "Succeeded"
UPGRADE_FAILED = "Failed"
# States in which both Jobs of the key are known to have succeeded.
JOBS_DONE_STATES = (ROLLING_OUT, UPGRADE_SUCCEEDED)
# States of a maintenance upgrade in which web is read-only and worker and beat are stopped.
MAINTENANCE_STATES = (DRAINING, BACKING_UP, MIGRATING, COLLECTING_STATIC, UPGRADE_FAILED)


@dataclass(frozen=True)
class JobOutcome:
    state: str  # RUNNING, SUCCEEDED or FAILED
    reason: str = ""
    message: str = ""


def job_outcome(job: Mapping[str, Any], pod_succeeded: bool = False) -> JobOutcome:
    """Read a Job's terminal conditions. A Job being deleted counts as running until it is gone.

    `pod_succeeded`: one of the Job's pods exited 0. For these one-pod Jobs that *is* success; the
    Job controller only records it up to a second later (it batches pod updates), and every
    upgrade step would pay that second.
    """
    if pod_succeeded:
        return JobOutcome(SUCCEEDED, "PodSucceeded")
    for condition in (job.get("status") or {}).get("conditions") or ():
        if condition.get("status") != "True":
            continue
        if condition.get("type") == "Complete":
            return JobOutcome(SUCCEEDED, condition.get("reason") or "Completed", condition.get("message") or "")
        if condition.get("type") == "Failed":
            return JobOutcome(FAILED, condition.get("reason") or "Failed", condition.get("message") or "")
    return JobOutcome(RUNNING)


def job_key(job: Mapping[str, Any]) -> str | None:
    return ((job.get("metadata") or {}).get("labels") or {}).get(names.LABEL_UPGRADE_KEY)


@dataclass(frozen=True)
class UpgradeInput:
    instance: str
    image: str
    trigger: str | None
    collectstatic: bool
    recorded: api.UpgradeStatus | None  # status.upgrade as last written
    current_image: str | None  # status.image: what the Deployments were last moved to
    jobs: Mapping[str, Mapping[str, Any]]  # this instance's migrate/collectstatic Jobs by name
    now: str
    succeeded_jobs: frozenset[str] = frozenset()  # Jobs one of whose pods exited 0
    # Components' own images (spec.web.image, ...) and those the Deployments were last moved to.
    component_images: Mapping[str, str] = field(default_factory=dict)
    current_component_images: Mapping[str, str] = field(default_factory=dict)
    # migrations.strategy is Maintenance and something serves (a first install migrates online),
    # and whether web is observed read-only with worker and beat stopped.
    maintenance: bool = False
    drained: bool = False
    backup: bool = False  # migrations.backup: a backup Job goes first
    # status.backups holds this upgrade's backup: the gate is passed for good. The record, not the
    # Job, is the proof: a Job just created beside it (the migration) may not be in the cache yet,
    # and the backup's own pod may be gone, so re-reading the Job could step back to BackingUp.
    backed_up: bool = False


@dataclass(frozen=True)
class UpgradeDecision:
    upgrade: api.UpgradeStatus
    # Image the Deployments must run now; None before the first migration of a new installation.
    workload_image: str | None
    # Components that run an image of their own now (instead of workload_image).
    workload_component_images: Mapping[str, str] = field(default_factory=dict)
    create: tuple[str, ...] = ()  # components of Jobs to create: "migrate" and/or "collectstatic"
    delete: tuple[str, ...] = ()  # names of Jobs to delete (stale runs, and old ones once done)
    failed_job: str | None = None  # a Job that just failed: its pods explain why
    waiting: str | None = None  # why nothing can start yet
    maintenance: bool = False  # web read-only, worker and beat stopped (a maintenance upgrade)

    @property
    def running_job(self) -> str | None:
        """The Job the upgrade is waiting for, if one is running."""
        if self.upgrade.state == BACKING_UP and not self.waiting:
            return self.upgrade.backup_job
        if self.upgrade.state == MIGRATING and not self.waiting:
            return self.upgrade.migration_job
        if self.upgrade.state == COLLECTING_STATIC:
            return self.upgrade.collectstatic_job
        return None

    @property
    def jobs_done(self) -> bool:
        return self.upgrade.state in JOBS_DONE_STATES


@dataclass
class _Plan:
    state: str
    message: str | None = None
    failed_step: str | None = None
    create: list[str] = field(default_factory=list)
    failed_job: str | None = None
    waiting: str | None = None


def decide(inp: UpgradeInput) -> UpgradeDecision:
    key = names.upgrade_key(inp.image, inp.trigger, inp.component_images)
    child = names.ChildNames(inp.instance)
    migration_name, collectstatic_name = child.migration_job(key), child.collectstatic_job(key)
    backup_name = child.backup_job(key)
    recorded = inp.recorded if inp.recorded is not None and inp.recorded.key == key else None

    other_jobs = {name: job for name, job in inp.jobs.items() if job_key(job) != key}
    # A Job whose pod exited 0 is done even while the Job's own status still says active (the Job
    # controller lags its pods): counting it as running would hold the next upgrade back.
    stale_running = tuple(
        sorted(
            name for name, job in other_jobs.items() if job_outcome(job, name in inp.succeeded_jobs).state == RUNNING
        )
    )

    plan = _plan(inp, recorded, migration_name, collectstatic_name, backup_name, bool(stale_running))

    base = recorded or api.UpgradeStatus(
        image=inp.image,
        trigger=inp.trigger,
        key=key,
        state=plan.state,
        started_at=inp.now,
    )
    upgrade = replace_upgrade(
        base,
        state=plan.state,
        message=plan.message,
        failed_step=plan.failed_step,
        migration_job=migration_name,
        backup_job=backup_name if inp.backup and plan.state != DRAINING else base.backup_job,
        # Named once it exists (or is being created): a failed migration never had one.
        collectstatic_job=collectstatic_name
        if inp.collectstatic
        and (plan.state in (COLLECTING_STATIC, *JOBS_DONE_STATES) or plan.failed_step == names.COMPONENT_COLLECTSTATIC)
        else None,
        finished_at=(base.finished_at or inp.now) if plan.state in (UPGRADE_SUCCEEDED, UPGRADE_FAILED) else None,
    )

    jobs_done = plan.state in JOBS_DONE_STATES
    workload_image = inp.image if jobs_done else inp.current_image
    workload_component_images = dict(inp.component_images if jobs_done else inp.current_component_images)

    delete: tuple[str, ...] = ()
    if stale_running and not jobs_done:
        # Two migrations must never run against one database: stop the stale one first.
        delete = stale_running
    elif plan.state == UPGRADE_SUCCEEDED:
        # Keep the Jobs of the current image (their logs, and proof it is migrated); drop the rest.
        delete = tuple(sorted(other_jobs))

    return UpgradeDecision(
        upgrade=upgrade,
        workload_image=workload_image,
        workload_component_images=workload_component_images,
        create=tuple(plan.create),
        delete=delete,
        failed_job=plan.failed_job,
        waiting=plan.waiting,
        maintenance=inp.maintenance and plan.state in MAINTENANCE_STATES,
    )


def replace_upgrade(upgrade: api.UpgradeStatus, **changes: Any) -> api.UpgradeStatus:
    return upgrade.model_copy(update=changes)


def _plan(
    inp: UpgradeInput,
    recorded: api.UpgradeStatus | None,
    migration_name: str,
    collectstatic_name: str,
    backup_name: str,
    stale_running: bool,
) -> _Plan:
    if recorded is not None and recorded.state == UPGRADE_FAILED:
        # Terminal until the image or the trigger changes (a new key). No automatic retries: a
        # migration that failed once usually fails again, and each run holds database locks.
        return _Plan(UPGRADE_FAILED, recorded.message, failed_step=recorded.failed_step)
    if recorded is not None and recorded.state in JOBS_DONE_STATES:
        return _Plan(recorded.state, recorded.message)

    migration = inp.jobs.get(migration_name)
    if recorded is not None and recorded.state == COLLECTING_STATIC:
        pass  # the migration's success is on record; whatever its Job says now does not undo it
    elif migration is None:
        if inp.maintenance and not inp.drained:
            return _Plan(
                DRAINING,
                f"maintenance before migrating to {inp.image}: web turns read-only, worker and "
                "beat stop once their tasks are finished",
            )
        if stale_running:
            # Waiting at the step that comes first (the backup, if one is due), so the steps'
            # Events follow the real order once the stale Job is gone.
            return _Plan(
                BACKING_UP if inp.backup and not inp.backed_up else MIGRATING,
                "waiting for the previous upgrade's Job to stop",
                waiting="a Job of a previous upgrade is still running",
            )
        if inp.backup and not inp.backed_up:
            backup = inp.jobs.get(backup_name)
            if backup is None:
                return _Plan(BACKING_UP, f"backing up the database before migrating to {inp.image}", create=["backup"])
            outcome = job_outcome(backup, backup_name in inp.succeeded_jobs)
            if outcome.state == RUNNING:
                return _Plan(
                    BACKING_UP, f"job {backup_name} is backing up the database before migrating to {inp.image}"
                )
            if outcome.state == FAILED:
                return _Plan(
                    UPGRADE_FAILED,
                    _failure_message("backup", backup_name, outcome) + "; nothing was migrated",
                    failed_step="backup",
                    failed_job=backup_name,
                )
        return _Plan(MIGRATING, f"running migrations for {inp.image}", create=["migrate"])
    else:
        outcome = job_outcome(migration, migration_name in inp.succeeded_jobs)
        if outcome.state == RUNNING:
            return _Plan(MIGRATING, f"job {migration_name} is migrating the database for {inp.image}")
        if outcome.state == FAILED:
            return _Plan(
                UPGRADE_FAILED,
                _failure_message("migration", migration_name, outcome),
                failed_step=names.COMPONENT_MIGRATE,
                failed_job=migration_name,
            )

    if not inp.collectstatic:
        return _Plan(ROLLING_OUT, f"migrated; moving web, worker and beat to {inp.image}")
    collect = inp.jobs.get(collectstatic_name)
    if collect is None:
        return _Plan(COLLECTING_STATIC, f"collecting static files of {inp.image}", create=["collectstatic"])
    outcome = job_outcome(collect, collectstatic_name in inp.succeeded_jobs)
    if outcome.state == RUNNING:
        return _Plan(COLLECTING_STATIC, f"job {collectstatic_name} is collecting static files of {inp.image}")
    if outcome.state == FAILED:
        return _Plan(
            UPGRADE_FAILED,
            _failure_message("collectstatic", collectstatic_name, outcome),
            failed_step=names.COMPONENT_COLLECTSTATIC,
            failed_job=collectstatic_name,
        )
    return _Plan(ROLLING_OUT, f"migrated and static files collected; moving web, worker and beat to {inp.image}")


def _failure_message(step: str, job_name: str, outcome: JobOutcome) -> str:
    detail = f": {outcome.message}" if outcome.message else ""
    return f"{step} job {job_name} failed ({outcome.reason}{detail})"


def with_pod_detail(decision: UpgradeDecision, detail: str | None) -> UpgradeDecision:
    """Append what the failed Job's pods said (exit code, reason) to the failure message."""
    if not detail or decision.upgrade.state != UPGRADE_FAILED:
        return decision
    message = decision.upgrade.message or ""
    if detail in message:
        return decision
    return replace(decision, upgrade=replace_upgrade(decision.upgrade, message=f"{message}; {detail}"))


def with_stuck_pods(decision: UpgradeDecision, stuck: list[str]) -> UpgradeDecision:
    """Say why a running Job's pod is not getting anywhere (ImagePullBackOff, ...)."""
    if not stuck:
        return decision
    message = f"{decision.upgrade.message}; its pod is stuck: {'; '.join(stuck)}"
    return replace(decision, upgrade=replace_upgrade(decision.upgrade, message=message))


def rollout_finished(decision: UpgradeDecision, now: str) -> UpgradeDecision:
    """The Deployments run the new image everywhere: the upgrade is complete."""
    if decision.upgrade.state != ROLLING_OUT:
        return decision
    upgrade = replace_upgrade(
        decision.upgrade, state=UPGRADE_SUCCEEDED, message=f"running {decision.upgrade.image}", finished_at=now
    )
    return replace(decision, upgrade=upgrade)
