"""The reconcile of a PanelAppTask: check it, create its one Job, mirror the Job into its status.

Like reconcile.py it keeps no memory: the task, its PanelApp and its Job (from the cache) say
where it stands, and a finished task (Succeeded, Failed, Refused) is never looked at again.

Nothing runs until everything checks out: a spec the schema let through but the models refuse, or
a command the image does not have, is Refused for good; a missing PanelApp, a PanelApp still before
its first migration, or a missing Secret or key keeps the task Pending (with a Warning Event naming
the field) until it appears. No Secret value is read: the Job's pod gets credentials as
secretKeyRefs, and the log lines copied into the status are masked (logtail.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from panelapp_operator import events, health, kinds, logtail, names, status, task_spec, upgrade, validation
from panelapp_operator import spec as api
from panelapp_operator.cache import Cache
from panelapp_operator.kube import ApiError, Kube, now_rfc3339
from panelapp_operator.reconcile import merge_patch
from panelapp_operator.references import ReferenceIndex
from panelapp_operator.render import RenderInput, env
from panelapp_operator.render import tasks as task_render

log = logging.getLogger(__name__)

WAITING_REQUEUE_SECONDS = 10.0
RUNNING_REQUEUE_SECONDS = 5.0
ACCEPTED, SUCCEEDED = task_spec.CONDITION_TYPES


def task_key(namespace: str, name: str) -> tuple[str, str, str]:
    """The work-queue key of a task (PanelApps are (namespace, name))."""
    return (task_spec.KIND, namespace, name)


@dataclass(frozen=True)
class _Verdict:
    phase: str
    reason: str
    message: str
    job: str | None = None
    image: str | None = None
    start_time: str | None = None
    completion_time: str | None = None
    log_tail: list[str] | None = None


class TaskReconciler:
    def __init__(self, kube: Kube, cache: Cache, references: ReferenceIndex, *, clock: Callable[[], str] = now_rfc3339):
        self.kube, self.cache, self.references, self.clock = kube, cache, references, clock

    def reconcile(self, namespace: str, name: str) -> float | None:
        """Returns when to look again (None: only on the next event)."""
        body = self.cache.get(kinds.PANELAPP_TASK, namespace, name)
        if body is None:
            body = self.kube.get(kinds.PANELAPP_TASK, namespace, name)
            if body is None:
                self.references.forget(namespace, (task_spec.KIND, name))
                return None
            self.cache.put(kinds.PANELAPP_TASK, body)
        if body["metadata"].get("deletionTimestamp"):
            return None
        return _TaskRun(self, body).execute()


class _TaskRun:
    def __init__(self, reconciler: TaskReconciler, body: dict[str, Any]):
        self.r, self.kube, self.cache = reconciler, reconciler.kube, reconciler.cache
        self.body = body
        meta = body["metadata"]
        self.namespace, self.name, self.uid = meta["namespace"], meta["name"], meta.get("uid") or ""
        self.generation = meta.get("generation", 0)
        self.now = reconciler.clock()
        try:
            self.previous = task_spec.PanelAppTaskStatus.model_validate(body.get("status") or {})
        except ValidationError:
            self.previous = task_spec.PanelAppTaskStatus()

    def execute(self) -> float | None:
        if self.previous.phase in task_spec.TERMINAL_PHASES:
            return None
        try:
            spec = task_spec.PanelAppTaskSpec.model_validate(self.body.get("spec") or {})
        except ValidationError as error:
            return self._finish(_Verdict("Refused", "InvalidSpec", validation.describe(error)))

        panelapp = self.cache.get(kinds.PANELAPP, self.namespace, spec.panel_app) or self.kube.get(
            kinds.PANELAPP, self.namespace, spec.panel_app
        )
        if panelapp is None:
            return self._finish(
                _Verdict(
                    "Pending",
                    "PanelAppNotFound",
                    f"spec.panelApp: PanelApp {spec.panel_app!r} not found in namespace {self.namespace!r}",
                )
            )
        self._ensure_owned_by(panelapp)
        try:
            app_spec = validation.parse_spec(panelapp.get("spec"))
        except validation.InvalidSpec as problem:
            return self._finish(
                _Verdict(
                    "Pending",
                    "PanelAppInvalid",
                    f"PanelApp {spec.panel_app!r} is invalid ({problem}); the task waits until it is fixed",
                )
            )
        app_status = _app_status(panelapp)
        command = task_render.command_of(spec, app_spec.storage.media_bucket, app_status.backups)
        if command.missing:
            field = "spec.restore.upgradeKey" if spec.command == "restore" else "spec.command"
            reason = "BackupNotRecorded" if spec.command == "restore" else "CommandUnavailable"
            return self._finish(_Verdict("Refused", reason, f"{field}: {command.missing}"))

        job_name = task_render.job_name(self.name, self.uid)
        job = self.cache.get(kinds.JOB, self.namespace, job_name)
        if job is None and spec.command == "restore" and not app_spec.maintenance.enabled:
            return self._finish(
                _Verdict(
                    "Pending",
                    "NotInMaintenance",
                    f"PanelApp {spec.panel_app!r} must be in "
                    "maintenance (spec.maintenance.enabled: true) so that nothing writes while "
                    "its database is replaced; stop its workers too",
                )
            )
        if job is None:
            waiting = self._check_before_running(spec, app_spec, panelapp)
            if waiting is not None:
                return self._finish(waiting)
            job = self._create_job(spec, app_spec, panelapp, job_name, command)
        return self._finish(self._mirror(job, panelapp))

    # --- before the Job exists ----------------------------------------------------------------

    def _check_before_running(
        self, spec: task_spec.PanelAppTaskSpec, app_spec: api.PanelAppSpec, panelapp: Mapping[str, Any]
    ) -> _Verdict | None:
        references = env.all_references(app_spec)
        credentials = task_render.secret_keys(spec)
        # Wake this task as soon as a missing Secret appears, not at the next retry.
        self.r.references.set(
            self.namespace,
            (task_spec.KIND, self.name),
            {(ref.kind, ref.name) for ref in references} | {("Secret", secret) for _, secret, _, _ in credentials},
        )
        if not (panelapp.get("status") or {}).get("image"):
            return _Verdict(
                "Pending",
                "WaitingForPanelApp",
                f"PanelApp {spec.panel_app!r} has not finished its first migration; the task runs once it serves",
            )
        problems = []
        for ref in references:
            kind = kinds.SECRET if ref.kind == "Secret" else kinds.CONFIG_MAP
            facts = self.kube.reference(kind, self.namespace, ref.name)
            if facts is None:
                if not ref.optional:
                    problems.append(f"{ref.field}: {ref.kind} {ref.name!r} not found in namespace {self.namespace!r}")
            elif ref.key is not None and ref.key not in facts.keys and not ref.optional:
                problems.append(f"{ref.field}: key {ref.key!r} not found in {ref.kind} {ref.name!r}")
        for _, secret, key, key_field in credentials:
            facts = self.kube.reference(kinds.SECRET, self.namespace, secret)
            if facts is None:
                problems.append(
                    f"spec.createSuperuser.secretName: Secret {secret!r} not found in namespace {self.namespace!r}"
                )
            elif key not in facts.keys:
                problems.append(f"spec.createSuperuser.{key_field}: key {key!r} not found in Secret {secret!r}")
        if problems:
            return _Verdict("Pending", "MissingReference", "; ".join(dict.fromkeys(problems)))
        return None

    def _create_job(
        self,
        spec: task_spec.PanelAppTaskSpec,
        app_spec: api.PanelAppSpec,
        panelapp: Mapping[str, Any],
        job_name: str,
        command: task_render.TaskCommand,
    ) -> dict[str, Any]:
        app_status = panelapp.get("status") or {}
        # The image web runs now: migrated, and what the task's commands were written against.
        image = app_status["image"]
        inp = RenderInput(
            name=panelapp["metadata"]["name"],
            namespace=self.namespace,
            spec=app_spec,
            config_hash=app_status.get("configHash") or "",
            workload_image=image,
        )
        manifest = task_render.render_task_job(
            inp, task_name=self.name, task_uid=self.uid, spec=spec, image=image, command=command
        )
        try:
            created = self.kube.create(manifest)
        except ApiError as error:
            if not error.conflict:
                raise
            existing = self.kube.get(kinds.JOB, self.namespace, job_name)
            if existing is None:
                raise
            created = existing
        else:
            log.info("created Job %s/%s for task %s (%s)", self.namespace, job_name, self.name, spec.command)
        self.cache.put(kinds.JOB, created)
        self.r.references.forget(self.namespace, (task_spec.KIND, self.name))
        return created

    def _ensure_owned_by(self, panelapp: Mapping[str, Any]) -> None:
        meta = panelapp["metadata"]
        owners = self.body["metadata"].get("ownerReferences") or []
        if any(ref.get("uid") == meta.get("uid") for ref in owners):
            return
        owner = {
            "apiVersion": api.API_VERSION,
            "kind": api.KIND,
            "name": meta["name"],
            "uid": meta.get("uid"),
            "controller": True,
            "blockOwnerDeletion": True,
        }
        updated = self.kube.patch_owner(kinds.PANELAPP_TASK, self.namespace, self.name, [*owners, owner])
        self.cache.put(kinds.PANELAPP_TASK, updated)
        self.body = updated

    # --- mirroring the Job --------------------------------------------------------------------

    def _mirror(self, job: Mapping[str, Any], panelapp: Mapping[str, Any]) -> _Verdict:
        job_name = job["metadata"]["name"]
        pods = [
            pod
            for pod in self.cache.children(self.namespace, panelapp["metadata"]["name"], kinds.POD)
            if (pod["metadata"].get("labels") or {}).get(names.LABEL_JOB_NAME) == job_name
        ]
        succeeded_pod = next((pod for pod in pods if (pod.get("status") or {}).get("phase") == "Succeeded"), None)
        outcome = upgrade.job_outcome(job, succeeded_pod is not None)
        job_status = job.get("status") or {}
        image = job["spec"]["template"]["spec"]["containers"][0]["image"]
        start = job_status.get("startTime") or self.previous.start_time
        common = {"job": job_name, "image": image, "start_time": start}
        if outcome.state == upgrade.RUNNING:
            stuck = [reason for reasons in health.pod_failures(pods).values() for reason in reasons]
            message = f"job {job_name} runs {' '.join(job['spec']['template']['spec']['containers'][0]['command'])}"
            if stuck:
                message += f"; its pod is stuck: {'; '.join(stuck)}"
            return _Verdict("Running", "Running", message, **common)
        ended = job_status.get("completionTime") or _finished_at(pods) or self.now
        lines = self._log_tail(pods)
        if outcome.state == upgrade.SUCCEEDED:
            return _Verdict(
                "Succeeded", "Completed", f"job {job_name} exited 0", completion_time=ended, log_tail=lines, **common
            )
        detail = health.job_pod_failure(pods)
        message = f"job {job_name} failed ({outcome.reason}{': ' + outcome.message if outcome.message else ''})"
        return _Verdict(
            "Failed",
            outcome.reason or "Failed",
            f"{message}; {detail}" if detail else message,
            completion_time=ended,
            log_tail=lines,
            **common,
        )

    def _log_tail(self, pods: Sequence[Mapping[str, Any]]) -> list[str] | None:
        if not pods:
            return None
        latest = max(pods, key=lambda pod: pod["metadata"].get("creationTimestamp") or "")
        try:
            text = self.kube.pod_log(self.namespace, latest["metadata"]["name"], tail_lines=logtail.MAX_LINES)
        except ApiError as error:
            # The log is a courtesy: without it (no permission, say) the status still tells the outcome.
            log.warning("could not read the log of task %s/%s: %s", self.namespace, self.name, error)
            return None
        return logtail.tail(text) if text else None

    # --- status -------------------------------------------------------------------------------

    def _finish(self, verdict: _Verdict) -> float | None:
        conditions = list(self.previous.conditions or [])

        def cond(type_: str, value: str, reason: str, message: str) -> None:
            nonlocal conditions
            conditions = status.set_condition(conditions, type_, value, reason, message, self.generation, self.now)

        if verdict.phase in ("Pending", "Refused"):
            cond(ACCEPTED, "False", verdict.reason, verdict.message)
        else:
            cond(ACCEPTED, "True", "JobCreated", f"job {verdict.job} runs the command")
        if verdict.phase == "Succeeded":
            cond(SUCCEEDED, "True", verdict.reason, verdict.message)
        elif verdict.phase in ("Failed", "Refused"):
            cond(SUCCEEDED, "False", verdict.reason, verdict.message)
        conditions.sort(
            key=lambda c: (
                task_spec.CONDITION_TYPES.index(c.type)
                if c.type in task_spec.CONDITION_TYPES
                else len(task_spec.CONDITION_TYPES)
            )
        )
        new = task_spec.PanelAppTaskStatus(
            observed_generation=self.generation,
            phase=verdict.phase,
            job=verdict.job or self.previous.job,
            image=verdict.image or self.previous.image,
            start_time=verdict.start_time,
            completion_time=verdict.completion_time,
            reason=verdict.reason,
            message=verdict.message,
            log_tail=verdict.log_tail,
            conditions=conditions,
        )
        old_doc = self.previous.model_dump(by_alias=True, exclude_none=True, mode="json")
        new_doc = new.model_dump(by_alias=True, exclude_none=True, mode="json")
        if old_doc != new_doc:
            updated = self.kube.patch_status(
                self.namespace, self.name, merge_patch(old_doc, new_doc), kind=kinds.PANELAPP_TASK
            )
            self.cache.put(kinds.PANELAPP_TASK, updated)
        for event in _transition_events(self.previous, new):
            self._post(event)
        if new.phase in task_spec.TERMINAL_PHASES:
            self.r.references.forget(self.namespace, (task_spec.KIND, self.name))
            return None
        return RUNNING_REQUEUE_SECONDS if new.phase == "Running" else WAITING_REQUEUE_SECONDS

    def _post(self, event: events.Event) -> None:
        log.log(
            logging.WARNING if event.type == events.WARNING else logging.INFO,
            "task %s/%s: %s: %s",
            self.namespace,
            self.name,
            event.reason,
            event.message,
        )
        try:
            self.kube.post_event(self.body, event.type, event.reason, event.message)
        except ApiError as error:
            log.warning("could not post Event %s for task %s/%s: %s", event.reason, self.namespace, self.name, error)


def _transition_events(old: task_spec.PanelAppTaskStatus, new: task_spec.PanelAppTaskStatus) -> list[events.Event]:
    """Events from status transitions only: a task re-checked while it waits posts nothing new."""
    if (old.phase, old.reason, old.message) == (new.phase, new.reason, new.message) or (
        old.phase == new.phase == "Running"
    ):
        return []
    if new.phase == "Pending":
        return [events.Event(events.WARNING, new.reason or "Pending", new.message or "")]
    if new.phase == "Refused":
        return [events.Event(events.WARNING, "TaskRefused", f"{new.message}; nothing was run")]
    found = []
    if old.phase not in ("Running",) and new.phase in ("Running", "Succeeded", "Failed"):
        found.append(events.Event(events.NORMAL, "TaskStarted", f"job {new.job} runs the command with {new.image}"))
    if new.phase == "Succeeded":
        found.append(events.Event(events.NORMAL, "TaskSucceeded", new.message or ""))
    elif new.phase == "Failed":
        found.append(events.Event(events.WARNING, "TaskFailed", new.message or ""))
    return found


def _app_status(panelapp: Mapping[str, Any]) -> api.PanelAppStatus:
    try:
        return api.PanelAppStatus.model_validate(panelapp.get("status") or {})
    except ValidationError:
        return api.PanelAppStatus()


def _finished_at(pods: Sequence[Mapping[str, Any]]) -> str | None:
    for pod in pods:
        for container in (pod.get("status") or {}).get("containerStatuses") or ():
            finished: str | None = ((container.get("state") or {}).get("terminated") or {}).get("finishedAt")
            if finished:
                return finished
    return None
