"""The one reconcile: observe -> decide -> act -> status. No kopf here.

It is idempotent and keeps no memory between calls: everything it needs is the PanelApp (with its
status), the cached children, and a few reads of referenced Secrets. It is called for every
reason something may have changed (the PanelApp, a child, the resync timer) and does nothing, with
no writes, when nothing did.

Safety rules it keeps:
- A spec that fails validation, a missing Secret or ConfigMap, or a child the API server refuses
  (checked with a dry run of every change first) leaves every child untouched.
- The Deployments move to a new image only after its migration and collectstatic Jobs succeeded
  (upgrade.py decides; this module acts).
- Events and the status are written only when they change.
"""

from __future__ import annotations

import logging
import secrets as random_secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from panelapp_operator import drift, events, health, kinds, names, status, upgrade, validation
from panelapp_operator import spec as api
from panelapp_operator.cache import Cache
from panelapp_operator.kube import ApiError, Kube, now_rfc3339
from panelapp_operator.references import ReferenceIndex
from panelapp_operator.render import RenderInput, env, identity, jobs, render_children
from panelapp_operator.render.config import configuration

log = logging.getLogger(__name__)

# How soon to look again while something is in motion (Jobs running, pods starting). Child events
# usually wake the reconcile sooner; this bounds the delay when an event does not come (a pod
# entering CrashLoopBackOff changes no Deployment field).
PROGRESS_REQUEUE_SECONDS = 5.0
# How soon to look again for a referenced Secret or ConfigMap that does not exist yet.
MISSING_REFERENCE_REQUEUE_SECONDS = 10.0
# ConfigValid's reason when the spec asks for a kind whose CRD the cluster lacks.
MISSING_CRD = "MissingCRD"
# Pods are listed (for failure reasons) at most this often per PanelApp.
POD_LIST_INTERVAL_SECONDS = 2.0


@dataclass
class Outcome:
    """What one reconcile did (for logs, tests and the write-cost figures)."""

    phase: str | None = None
    requeue_after: float | None = None
    applied: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    status_written: bool = False
    events: list[str] = field(default_factory=list)


class Reconciler:
    def __init__(
        self,
        kube: Kube,
        cache: Cache,
        *,
        clock: Callable[[], str] = now_rfc3339,
        new_secret_key: Callable[[], str] = lambda: random_secrets.token_urlsafe(50),
        references: ReferenceIndex | None = None,
    ):
        self.kube = kube
        self.cache = cache
        self.references = references or ReferenceIndex()
        self.clock = clock
        self.new_secret_key = new_secret_key
        # An observation cache, not state: losing it costs one extra pod listing.
        self._pod_failures: dict[tuple[str, str], tuple[float, dict[str, list[str]]]] = {}
        self._pods_lock = threading.Lock()

    def pod_failures(self, namespace: str, name: str) -> dict[str, list[str]]:
        """Failing pods of a PanelApp by component. During a rollout reconciles come in quick
        succession; the pods are listed at most once per POD_LIST_INTERVAL_SECONDS for each."""
        now = time.monotonic()
        with self._pods_lock:
            cached = self._pod_failures.get((namespace, name))
        if cached is not None and now - cached[0] < POD_LIST_INTERVAL_SECONDS:
            return cached[1]
        pods = self.kube.list(
            kinds.POD, namespace, f"{names.LABEL_INSTANCE}={name},{names.LABEL_MANAGED_BY}={names.MANAGED_BY}"
        )
        failures = health.pod_failures(pods)
        with self._pods_lock:
            self._pod_failures[(namespace, name)] = (now, failures)
        return failures

    # --- entry point ---------------------------------------------------------------------------

    def reconcile(self, namespace: str, name: str) -> Outcome:
        body = self.cache.get(kinds.PANELAPP, namespace, name)
        if body is None:
            body = self.kube.get(kinds.PANELAPP, namespace, name)
            if body is None:
                with self._pods_lock:
                    self._pod_failures.pop((namespace, name), None)
                return Outcome()  # deleted; the garbage collector removes the children
            self.cache.put(kinds.PANELAPP, body)
        if body["metadata"].get("deletionTimestamp"):
            return Outcome()
        run = _Run(self, body)
        return run.execute()


class _Run:
    """One reconcile of one PanelApp."""

    def __init__(self, reconciler: Reconciler, body: dict[str, Any]):
        self.r = reconciler
        self.kube, self.cache = reconciler.kube, reconciler.cache
        self.body = body
        meta = body["metadata"]
        self.namespace, self.name, self.uid = meta["namespace"], meta["name"], meta.get("uid")
        self.generation = meta.get("generation", 0)
        self.now = reconciler.clock()
        self.previous = _previous_status(body)
        self.outcome = Outcome()
        self.extra_events: list[events.Event] = []
        self.child_names = names.ChildNames(self.name)

    def execute(self) -> Outcome:
        try:
            validation.check_name(self.name)
            spec = validation.parse_spec(self.body.get("spec"))
        except validation.InvalidSpec as problem:
            return self._finish(
                status.Facts(
                    self.generation,
                    self.now,
                    self.previous,
                    problem=status.ConfigProblem("InvalidSpec", str(problem)),
                    components=self._components(None),
                )
            )
        self._index_references(spec)

        if spec.suspend:
            # Before the references: a PanelApp is often suspended precisely while its Secrets are
            # being sorted out.
            return self._finish(
                status.Facts(
                    self.generation, self.now, self.previous, suspended=True, components=self._components(spec)
                )
            )

        versions, missing = self._read_references(spec)
        if missing:
            self.outcome.requeue_after = MISSING_REFERENCE_REQUEUE_SECONDS
            return self._finish(
                status.Facts(
                    self.generation,
                    self.now,
                    self.previous,
                    problem=status.ConfigProblem("MissingReference", missing),
                    components=self._components(spec),
                )
            )

        if spec.django.secret_key_secret_ref is None:
            versions["Secret/" + self.child_names.generated_secret] = self._ensure_generated_secret()

        # The pods' configuration when web is read-only: a maintenance upgrade migrates only once web
        # runs it (and worker and beat are stopped).
        read_only_config = configuration(spec, versions, read_only=True)
        decision = self._decide_upgrade(spec, read_only_config.hash)
        # The one configuration of this reconcile: the ConfigMap, the pod templates and the status
        # all take it from here.
        if spec.maintenance.enabled or decision.maintenance:
            config = read_only_config
        else:
            config = configuration(spec, versions)
        restarting = self._restarting_workers(spec, decision.maintenance)
        inp = RenderInput(
            name=self.name,
            namespace=self.namespace,
            spec=spec,
            config_hash=config.hash,
            config_data=config.data,
            workload_image=decision.workload_image,
            uid=self.uid,
            new_deployments=self._new_autoscaled_deployments(spec, decision.workload_image) | restarting,
            component_images=decision.workload_component_images,
            quiesce=decision.maintenance,
        )

        desired = render_children(inp)
        keep_replicas = restarting | ({names.COMPONENT_WORKER} if decision.maintenance else set())
        rejected = self._apply_children(spec, desired.objects, keep_replicas)
        if rejected:
            if rejected.reason == MISSING_CRD:
                # Installing the CRD is noticed by the next look, not by a watch.
                self.outcome.requeue_after = MISSING_REFERENCE_REQUEUE_SECONDS
            return self._finish(
                status.Facts(
                    self.generation,
                    self.now,
                    self.previous,
                    problem=rejected,
                    components=self._components(spec),
                )
            )
        self._prune(desired.keys())
        self._run_jobs(inp, spec, decision)

        components = self._components(spec)
        wanted_images = spec.component_image_overrides()
        if (
            decision.upgrade.state == upgrade.ROLLING_OUT
            and components
            and all(c.ready and c.image == wanted_images.get(name, spec.image) for name, c in components.items())
        ):
            decision = upgrade.rollout_finished(decision, self.now)
        read_only_reason = "Upgrade" if decision.maintenance else "Requested" if spec.maintenance.enabled else None
        return self._finish(
            status.Facts(
                self.generation,
                self.now,
                self.previous,
                upgrade=decision,
                components=components,
                config_hash=config.hash,
                read_only=read_only_reason,
                backup=self._backup_record(spec, decision),
            )
        )

    # --- observe -------------------------------------------------------------------------------

    def _index_references(self, spec: api.PanelAppSpec) -> None:
        """Tell the reference watches what this spec names, missing objects included: a rotation,
        or the creation of a missing one, then queues this PanelApp at once."""
        named = {(ref.kind, ref.name) for ref in env.all_references(spec)}
        if spec.django.secret_key_secret_ref is None:
            named.add((kinds.SECRET.kind, self.child_names.generated_secret))
        self.r.references.set(self.namespace, (kinds.PANELAPP.kind, self.name), named)

    def _read_references(self, spec: api.PanelAppSpec) -> tuple[dict[str, str], str]:
        """resourceVersions of every referenced Secret/ConfigMap, and what is missing (a message)."""
        versions: dict[str, str] = {}
        problems: list[str] = []
        for ref in env.all_references(spec):
            kind = kinds.SECRET if ref.kind == "Secret" else kinds.CONFIG_MAP
            facts = self.kube.reference(kind, self.namespace, ref.name)
            if facts is None:
                if not ref.optional:
                    problems.append(f"{ref.field}: {ref.kind} {ref.name!r} not found in namespace {self.namespace!r}")
                continue
            if ref.key is not None and ref.key not in facts.keys and not ref.optional:
                problems.append(f"{ref.field}: key {ref.key!r} not found in {ref.kind} {ref.name!r}")
                continue
            versions[f"{ref.kind}/{ref.name}"] = facts.resource_version
        return versions, "; ".join(dict.fromkeys(problems))

    def _components(self, spec: api.PanelAppSpec | None) -> dict[str, api.ComponentStatus]:
        wanted = [names.COMPONENT_WEB, names.COMPONENT_WORKER]
        if spec is None or spec.beat.enabled:
            wanted.append(names.COMPONENT_BEAT)
        cached = {
            component: self.cache.get(kinds.DEPLOYMENT, self.namespace, self.child_names.deployment(component))
            for component in wanted
        }
        deployments = {c: d for c, d in cached.items() if d is not None}
        summaries = {c: health.component_status(d) for c, d in deployments.items()}
        if any(not s.ready for s in summaries.values()):
            # Only look at pods when something is not ready: a converged resync reads nothing.
            failures = self.r.pod_failures(self.namespace, self.name)
            summaries = {c: health.component_status(d, failures.get(c)) for c, d in deployments.items()}
        return summaries

    def _drained(self, read_only_hash: str) -> bool:
        """Web runs the read-only configuration everywhere, and no worker or beat pod is left
        (Celery's warm shutdown finished the tasks it had)."""
        web = self.cache.get(kinds.DEPLOYMENT, self.namespace, self.child_names.deployment(names.COMPONENT_WEB))
        if web is not None:
            annotations = web["spec"]["template"]["metadata"].get("annotations") or {}
            if (
                annotations.get(names.ANNOTATION_CONFIG_HASH) != read_only_hash
                or not health.component_status(web).ready
            ):
                return False
        for component in (names.COMPONENT_WORKER, names.COMPONENT_BEAT):
            deployment = self.cache.get(kinds.DEPLOYMENT, self.namespace, self.child_names.deployment(component))
            if deployment is not None and deployment["spec"].get("replicas", 1) != 0:
                return False
        pods = self.kube.list(
            kinds.POD,
            self.namespace,
            f"{names.LABEL_INSTANCE}={self.name},"
            f"{names.LABEL_MANAGED_BY}={names.MANAGED_BY},"
            f"{names.LABEL_COMPONENT} in ({names.COMPONENT_WORKER},{names.COMPONENT_BEAT})",
        )
        return not pods

    def _backup_record(self, spec: api.PanelAppSpec, decision: upgrade.UpgradeDecision) -> api.BackupRecord | None:
        """The backup of this upgrade, once its Job's pod succeeded: what its termination message
        says (key, size, duration). Read from the watched Job pods; nothing when not yet done."""
        job_name = decision.upgrade.backup_job
        if job_name is None or decision.upgrade.state in (upgrade.DRAINING, upgrade.BACKING_UP):
            return None
        if any(record.job == job_name for record in self.previous.backups or ()):
            return None
        pods = [
            pod
            for pod in self.cache.children(self.namespace, self.name, kinds.POD)
            if (pod["metadata"].get("labels") or {}).get(names.LABEL_JOB_NAME) == job_name
            and (pod.get("status") or {}).get("phase") == "Succeeded"
        ]
        if not pods:
            return None
        return health.backup_record(pods[0], decision.upgrade.key, job_name, spec.image)

    def _restarting_workers(self, spec: api.PanelAppSpec, quiesce: bool) -> set[str]:
        """An autoscaled worker Deployment the operator stopped for a maintenance upgrade: it starts
        again at minReplicas (an autoscaler does nothing with a Deployment at zero), and only then is
        the count handed over to the autoscaler."""
        if quiesce or not spec.worker.autoscaling.scales:
            return set()
        entry = self.cache.entry(kinds.DEPLOYMENT, self.namespace, self.child_names.deployment(names.COMPONENT_WORKER))
        if entry is not None and entry.owns_replicas and entry.body["spec"].get("replicas") == 0:
            return {names.COMPONENT_WORKER}
        return set()

    def _decide_upgrade(self, spec: api.PanelAppSpec, read_only_hash: str) -> upgrade.UpgradeDecision:
        upgrade_jobs = {
            job["metadata"]["name"]: job
            for job in self.cache.children(self.namespace, self.name, kinds.JOB)
            if (job["metadata"].get("labels") or {}).get(names.LABEL_COMPONENT)
            in (names.COMPONENT_BACKUP, names.COMPONENT_MIGRATE, names.COMPONENT_COLLECTSTATIC)
        }
        job_pods = self.cache.children(self.namespace, self.name, kinds.POD)
        succeeded = frozenset(
            (pod["metadata"].get("labels") or {}).get(names.LABEL_JOB_NAME, "")
            for pod in job_pods
            if (pod.get("status") or {}).get("phase") == "Succeeded"
        )
        current_image = self.previous.image or self._deployed_image()
        # A first install has nothing to protect and migrates online.
        maintenance = spec.migrations.strategy == "Maintenance" and current_image is not None
        # Draining matters (and costs a pod listing) only until the migration Job exists.
        key = names.upgrade_key(spec.image, spec.migrations.trigger, spec.component_image_overrides())
        recorded = self.previous.upgrade
        settled = (
            recorded is not None
            and recorded.key == key
            and recorded.state in (*upgrade.JOBS_DONE_STATES, upgrade.UPGRADE_FAILED)
        )
        drained = (
            maintenance
            and not settled
            and self.child_names.migration_job(key) not in upgrade_jobs
            and self._drained(read_only_hash)
        )
        decision = upgrade.decide(
            upgrade.UpgradeInput(
                instance=self.name,
                image=spec.image,
                trigger=spec.migrations.trigger,
                collectstatic=spec.collectstatic.enabled,
                recorded=self.previous.upgrade,
                current_image=current_image,
                jobs=upgrade_jobs,
                now=self.now,
                succeeded_jobs=succeeded,
                component_images=spec.component_image_overrides(),
                current_component_images=self._current_component_images(current_image),
                maintenance=maintenance,
                drained=drained,
                backup=spec.migrations.backup.active,
                backed_up=any(record.upgrade_key == key for record in self.previous.backups or ()),
            )
        )
        already_recorded = (
            self.previous.upgrade is not None
            and self.previous.upgrade.key == decision.upgrade.key
            and self.previous.upgrade.state == upgrade.UPGRADE_FAILED
        )
        if decision.failed_job and not already_recorded:
            pods = self.kube.list(kinds.POD, self.namespace, f"{names.LABEL_JOB_NAME}={decision.failed_job}")
            decision = upgrade.with_pod_detail(decision, health.job_pod_failure(pods))
        elif decision.running_job and not decision.create:
            # A Job whose pod cannot start (image pull, bad Secret) would otherwise just wait for its
            # deadline in silence.
            pods = [
                pod
                for pod in job_pods
                if (pod["metadata"].get("labels") or {}).get(names.LABEL_JOB_NAME) == decision.running_job
            ]
            stuck = [reason for reasons in health.pod_failures(pods).values() for reason in reasons]
            decision = upgrade.with_stuck_pods(decision, stuck)
        return decision

    def _new_autoscaled_deployments(self, spec: api.PanelAppSpec, workload_image: str | None) -> frozenset[str]:
        """Autoscaled components whose Deployment is about to be created. Absence from the cache is
        confirmed with a read: a cold cache (the operator just started) is no proof, and setting
        the minimum on a live Deployment would undo the autoscaler's work."""
        if workload_image is None:
            return frozenset()
        new = set()
        for component, autoscaling in (
            (names.COMPONENT_WEB, spec.web.autoscaling),
            (names.COMPONENT_WORKER, spec.worker.autoscaling),
        ):
            if not autoscaling.scales:
                continue
            name = self.child_names.deployment(component)
            if self.cache.get(kinds.DEPLOYMENT, self.namespace, name) is not None:
                continue
            live = self.kube.get(kinds.DEPLOYMENT, self.namespace, name)
            if live is None:
                new.add(component)
            else:
                self.cache.put(kinds.DEPLOYMENT, live)
        return frozenset(new)

    def _current_component_images(self, current_image: str | None) -> dict[str, str]:
        """Components' own images the Deployments were last moved to: from the status, or, for a
        PanelApp whose status was lost, whatever the live Deployments run."""
        if self.previous.image is not None:
            return dict(self.previous.component_images or {})
        found = {}
        for component in names.WORKLOAD_COMPONENTS:
            live = self.cache.get(kinds.DEPLOYMENT, self.namespace, self.child_names.deployment(component))
            containers = (live or {}).get("spec", {}).get("template", {}).get("spec", {}).get("containers") or [{}]
            image = containers[0].get("image")
            if image is not None and image != current_image:
                found[component] = image
        return found

    def _deployed_image(self) -> str | None:
        """The web Deployment's image, for a PanelApp whose status was lost."""
        web = self.cache.get(kinds.DEPLOYMENT, self.namespace, self.child_names.deployment(names.COMPONENT_WEB))
        if web is None:
            return None
        containers = web["spec"]["template"]["spec"].get("containers") or [{}]
        image: str | None = containers[0].get("image")
        return image

    # --- act -----------------------------------------------------------------------------------

    def _ensure_generated_secret(self) -> str:
        name = self.child_names.generated_secret
        facts = self.kube.reference(kinds.SECRET, self.namespace, name)
        if facts is not None:
            return facts.resource_version
        try:
            created = self.kube.create(
                identity.render_generated_secret(self.name, self.namespace, self.uid, self.r.new_secret_key())
            )
        except ApiError as error:
            if not error.conflict:
                raise
            self.kube.forget_reference(kinds.SECRET, self.namespace, name)
            facts = self.kube.reference(kinds.SECRET, self.namespace, name)
            if facts is None:
                raise
            return facts.resource_version
        version: str = created["metadata"]["resourceVersion"]
        del created  # it carries the new key
        self.kube.forget_reference(kinds.SECRET, self.namespace, name)
        self.outcome.created.append(f"Secret/{name}")
        self.extra_events.append(
            events.Event(
                events.NORMAL,
                "SecretKeyGenerated",
                f"generated the Django SECRET_KEY into Secret {name}; it is kept for the life of this PanelApp",
            )
        )
        return version

    def _apply_children(
        self, spec: api.PanelAppSpec, desired: list[dict[str, Any]], keep_replicas: set[str]
    ) -> status.ConfigProblem | None:
        """Apply every child that differs. All changes are dry-run first; if the API server refuses
        any, or lacks the CRD of one (a PodMonitor without the Prometheus Operator, a ScaledObject
        without KEDA), nothing is applied and the refusal is returned."""
        changes: list[tuple[dict[str, Any], str]] = []
        for obj in desired:
            kind = kinds.of(obj)
            reason = drift.needs_apply(obj, self.cache.get(kind, self.namespace, obj["metadata"]["name"]))
            if reason is not None:
                changes.append((obj, reason))
        if not changes:
            return None
        for obj, _ in changes:
            try:
                self.kube.apply(obj, dry_run=True)
            except ApiError as error:
                if error.invalid:
                    return status.ConfigProblem(
                        "Rejected",
                        f"{obj['kind']} {obj['metadata']['name']} was refused by the API server: {error.server_message}",
                    )
                if error.not_found and obj["kind"] in kinds.OPTIONAL_KINDS:
                    return status.ConfigProblem(MISSING_CRD, _missing_crd_message(kinds.of(obj)))
                raise
        self._hand_over_replicas(spec, keep_replicas)
        for obj, reason in changes:
            kind = kinds.of(obj)
            name = obj["metadata"]["name"]
            repaired = reason.startswith("drifted") or (
                reason == drift.MISSING and self.cache.was_deleted(kind, self.namespace, name)
            )
            applied = self.kube.apply(obj)
            self.cache.put(kind, applied)
            self.outcome.applied.append(f"{obj['kind']}/{name}")
            if repaired:
                what = "recreated it (it was deleted)" if reason == drift.MISSING else f"restored it ({reason})"
                self.extra_events.append(events.Event(events.NORMAL, "DriftRepaired", f"{obj['kind']} {name}: {what}"))
            log.info("applied %s %s/%s (%s)", obj["kind"], self.namespace, name, reason)
        return None

    def _hand_over_replicas(self, spec: api.PanelAppSpec, keep: set[str]) -> None:
        """`keep`: components whose count the operator sets this time (stopped or restarting workers)."""
        for component, autoscaling in (
            (names.COMPONENT_WEB, spec.web.autoscaling),
            (names.COMPONENT_WORKER, spec.worker.autoscaling),
        ):
            if not autoscaling.scales or component in keep:
                continue
            entry = self.cache.entry(kinds.DEPLOYMENT, self.namespace, self.child_names.deployment(component))
            if entry is not None and entry.owns_replicas:
                replicas = entry.body["spec"].get("replicas", 1)
                self.kube.hand_over_replicas(self.namespace, self.child_names.deployment(component), replicas)
                log.info(
                    "handed the replicas of %s/%s over to its autoscaler",
                    self.namespace,
                    self.child_names.deployment(component),
                )

    def _prune(self, wanted: set[tuple[str, str]]) -> None:
        """Delete children the spec no longer asks for (a disabled Ingress, autoscaler, ...)."""
        for kind in kinds.PRUNABLE_KINDS:
            for child in self.cache.children(self.namespace, self.name, kind):
                meta = child["metadata"]
                if (kind.kind, meta["name"]) in wanted or not _owned_by(child, self.uid):
                    continue
                self.cache.expect_deletion(kind, self.namespace, meta["name"])
                self.kube.delete(kind, self.namespace, meta["name"])
                self.cache.delete(kind, self.namespace, meta["name"])
                self.outcome.deleted.append(f"{kind.kind}/{meta['name']}")
                log.info("deleted %s %s/%s: no longer in the spec", kind.kind, self.namespace, meta["name"])

    def _run_jobs(self, inp: RenderInput, spec: api.PanelAppSpec, decision: upgrade.UpgradeDecision) -> None:
        key = decision.upgrade.key
        for component in decision.create:
            if component == names.COMPONENT_BACKUP:
                manifest = jobs.render_backup_job(inp, spec.image, key)
            elif component == names.COMPONENT_MIGRATE:
                manifest = jobs.render_migration_job(inp, spec.image, key)
            else:
                manifest = jobs.render_collectstatic_job(inp, spec.image, key)
            try:
                created = self.kube.create(manifest)
            except ApiError as error:
                if not error.conflict:
                    raise
                # It exists (our cache had not seen it yet): read it, never create it twice.
                existing = self.kube.get(kinds.JOB, self.namespace, manifest["metadata"]["name"])
                if existing is None:
                    raise
                created = existing
            else:
                self.outcome.created.append(f"Job/{manifest['metadata']['name']}")
                log.info("created Job %s/%s for %s", self.namespace, manifest["metadata"]["name"], spec.image)
            self.cache.put(kinds.JOB, created)
        for job_name in decision.delete:
            self.cache.expect_deletion(kinds.JOB, self.namespace, job_name)
            # Foreground: the Job disappears only after its pods, so "gone" means "stopped".
            self.kube.delete(kinds.JOB, self.namespace, job_name, propagation="Foreground")
            self.outcome.deleted.append(f"Job/{job_name}")

    # --- status --------------------------------------------------------------------------------

    def _finish(self, facts: status.Facts) -> Outcome:
        new_status = status.build_status(facts)
        self.outcome.phase = new_status.phase
        old_doc, new_doc = _dump(self.previous), _dump(new_status)
        if old_doc != new_doc:
            patch = merge_patch(old_doc, new_doc)
            updated = self.kube.patch_status(self.namespace, self.name, patch)
            self.cache.put(kinds.PANELAPP, updated)
            self.outcome.status_written = True
        for event in events.transition_events(self.previous, new_status) + self.extra_events:
            self._post(event)
        if self.outcome.requeue_after is None and _in_motion(new_status):
            self.outcome.requeue_after = PROGRESS_REQUEUE_SECONDS
        return self.outcome

    def _post(self, event: events.Event) -> None:
        self.outcome.events.append(event.reason)
        log_at = logging.WARNING if event.type == events.WARNING else logging.INFO
        log.log(log_at, "%s/%s: %s: %s", self.namespace, self.name, event.reason, event.message)
        try:
            self.kube.post_event(self.body, event.type, event.reason, event.message)
        except ApiError as error:
            # An Event is a notification; failing to post one must not fail the reconcile.
            log.warning("could not post Event %s for %s/%s: %s", event.reason, self.namespace, self.name, error)


def _missing_crd_message(kind: kinds.Kind) -> str:
    project, field_name = kinds.OPTIONAL_KINDS[kind.kind]
    return (
        f"{field_name}: the cluster has no CustomResourceDefinition {kinds.crd_name(kind)} "
        f"({kind.api_version} {kind.kind}, installed with {project}); install it or turn {field_name} off"
    )


def _previous_status(body: Mapping[str, Any]) -> api.PanelAppStatus:
    try:
        return api.PanelAppStatus.model_validate(body.get("status") or {})
    except ValidationError:
        # A status we cannot read (hand-edited, or from an incompatible version) is rebuilt.
        return api.PanelAppStatus()


def _dump(value: api.PanelAppStatus) -> dict[str, Any]:
    return value.model_dump(by_alias=True, exclude_none=True, mode="json")


def _owned_by(child: Mapping[str, Any], uid: str | None) -> bool:
    return any(
        ref.get("uid") == uid and ref.get("controller")
        for ref in (child.get("metadata") or {}).get("ownerReferences") or ()
    )


def _in_motion(current: api.PanelAppStatus) -> bool:
    if current.phase in ("Pending", "Migrating", "RollingOut"):
        return True
    # Failing pods may recover (or get worse) without any Deployment field changing.
    return current.phase == "Degraded" and any(
        c.type == "Degraded" and c.reason == "PodsFailing" for c in current.conditions or ()
    )


def merge_patch(old: Any, new: Any) -> Any:
    """The JSON merge patch (RFC 7386) that turns `old` into `new`: removed keys become null."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return new
    patch: dict[str, Any] = {}
    for key in old.keys() - new.keys():
        patch[key] = None
    for key, value in new.items():
        if key not in old:
            patch[key] = value
        elif old[key] != value:
            patch[key] = merge_patch(old[key], value) if isinstance(value, dict) else value
    return patch
