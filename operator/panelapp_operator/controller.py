"""The controller: turns watch events and a resync timer into reconciles.

Watch events (fed in by handlers.py) update the cache and queue the affected PanelApp; worker
threads take keys from the queue and run the one reconcile; a timer queues every known PanelApp
again each resync interval, which catches anything no event announced (a pod that started
crash-looping). Referenced Secrets and ConfigMaps have watches of their own (references.py): a
rotation queues the PanelApps that use it at once. Keys are (namespace, name).

Why not kopf's own timers and change handlers: kopf gives every resource with a timer a finalizer
(deletion would then hang whenever the operator is not running), and its change handlers write
their bookkeeping annotations on every change. Plain event handlers plus this queue need neither,
which is what keeps a converged resync free of writes and deletion free of the operator.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from panelapp_operator import kinds, names
from panelapp_operator import spec as api
from panelapp_operator.cache import Cache
from panelapp_operator.kinds import Kind
from panelapp_operator.kube import ApiError, Kube
from panelapp_operator.reconcile import Reconciler
from panelapp_operator.references import ReferenceIndex, ReferenceWatcher
from panelapp_operator.render import tasks as task_render
from panelapp_operator.tasks import TaskReconciler, task_key
from panelapp_operator.workqueue import WorkQueue

log = logging.getLogger(__name__)

# Child events arrive in bursts (a rollout updates a Deployment many times a second); waiting a
# moment turns a burst into one reconcile. Kept short: a finished Job's event is what starts the
# next upgrade step, so this delay is paid once per step.
COALESCE_SECONDS = 0.05

# Queue keys: (namespace, name) of a PanelApp, or tasks.task_key() of a PanelAppTask.
PanelAppKey = tuple[str, str]
QueueKey = PanelAppKey | tuple[str, str, str]


class Controller:
    def __init__(
        self,
        kube: Kube,
        *,
        workers: int = 4,
        resync_seconds: float = 60.0,
        cache: Cache | None = None,
        namespaces: list[str] | None = None,
        watch_references: bool = True,
    ):
        self.kube = kube
        self.cache = cache or Cache()
        self.queue: WorkQueue[QueueKey] = WorkQueue()
        self.references = ReferenceIndex()
        self.reconciler = Reconciler(kube, self.cache, references=self.references)
        self.task_reconciler = TaskReconciler(kube, self.cache, self.references)
        self.reference_watcher = (
            ReferenceWatcher(kube, namespaces or [], self.on_reference_change) if watch_references else None
        )
        self.workers = workers
        self.resync_seconds = resync_seconds
        self._generations: dict[QueueKey, int] = {}
        self._last_errors: dict[PanelAppKey, str] = {}
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.reconciles = 0
        self.failures = 0
        # Called after every reconcile with (kind of object, seconds, failed): the metrics module
        # hangs its latency histogram here, so this module needs no metrics library.
        self.on_reconciled: Callable[[str, float, bool], None] = lambda kind, seconds, failed: None

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        for index in range(self.workers):
            thread = threading.Thread(target=self._work, name=f"reconcile-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        timer = threading.Thread(target=self._resync_forever, name="resync", daemon=True)
        timer.start()
        self._threads.append(timer)
        if self.reference_watcher is not None:
            self.reference_watcher.start()
        log.info("controller started: %d workers, resync every %ss", self.workers, self.resync_seconds)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self.reference_watcher is not None:
            self.reference_watcher.stop()
        self.queue.shutdown()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def alive(self) -> bool:
        return bool(self._threads) and all(thread.is_alive() for thread in self._threads)

    # --- events (called by the kopf handlers) --------------------------------------------------

    def on_panelapp(self, event_type: str | None, body: Mapping[str, Any]) -> None:
        meta = body["metadata"]
        key: PanelAppKey = (meta["namespace"], meta["name"])
        if event_type == "DELETED":
            self.cache.delete(kinds.PANELAPP, *key)
            self.references.forget(key[0], (kinds.PANELAPP.kind, key[1]))
            self.queue.forget(key)
            with self._lock:
                self._generations.pop(key, None)
                self._last_errors.pop(key, None)
            return
        self.cache.put(kinds.PANELAPP, body)
        generation = meta.get("generation", 0)
        with self._lock:
            changed = self._generations.get(key) != generation
            self._generations[key] = generation
        # Status-only updates (most of them ours) keep the generation: nothing to do for them.
        if changed or meta.get("deletionTimestamp"):
            self.queue.add(key)

    def on_task(self, event_type: str | None, body: Mapping[str, Any]) -> None:
        meta = body["metadata"]
        key = task_key(meta["namespace"], meta["name"])
        if event_type == "DELETED":
            self.cache.delete(kinds.PANELAPP_TASK, meta["namespace"], meta["name"])
            self.references.forget(meta["namespace"], (kinds.PANELAPP_TASK.kind, meta["name"]))
            self.queue.forget(key)
            return
        news = self.cache.put(kinds.PANELAPP_TASK, body)
        generation = meta.get("generation", 0)
        with self._lock:
            changed = self._generations.get(key) != generation
            self._generations[key] = generation
        # A task's spec never changes: its own status writes need no reconcile.
        if news and changed:
            self.queue.add(key)

    def on_child(self, kind: Kind, event_type: str | None, body: Mapping[str, Any]) -> None:
        meta = body["metadata"]
        if event_type == "DELETED":
            self.cache.delete(kind, meta["namespace"], meta["name"])
            delay = 0.0  # drift: repair at once
        elif self.cache.put(kind, body):
            delay = COALESCE_SECONDS
        else:
            return  # the response to our own write already told us
        task = (meta.get("labels") or {}).get(task_render.LABEL_TASK)
        if task is not None:
            # A task's Job or pod: its task mirrors it; the PanelApp does not care.
            self.queue.add(task_key(meta["namespace"], task), delay)
            return
        owner = _owner_name(body)
        if owner is not None:
            self.queue.add((meta["namespace"], owner), delay)

    def on_reference_change(self, kind: Kind, namespace: str, name: str) -> None:
        """A Secret or ConfigMap changed (called by the reference watches for every one)."""
        referrers = self.references.referrers(kind.kind, namespace, name)
        if not referrers:
            return
        # The facts cached for a few seconds are stale now: the reconcile must read the new version.
        self.kube.forget_reference(kind, namespace, name)
        for owner_kind, owner in referrers:
            if owner_kind == kinds.PANELAPP.kind:
                self.queue.add((namespace, owner), COALESCE_SECONDS)
            elif owner_kind == kinds.PANELAPP_TASK.kind:
                self.queue.add(task_key(namespace, owner), COALESCE_SECONDS)

    # --- work ----------------------------------------------------------------------------------

    def _work(self) -> None:
        while not self._stopping.is_set():
            key = self.queue.get()
            if key is None:
                return
            if len(key) == 3:
                self._work_on_task(key)
                continue
            namespace, name = key
            started = time.monotonic()
            try:
                outcome = self.reconciler.reconcile(namespace, name)
            except Exception as error:
                delay = self.queue.done(key, failed=True)
                self._count(kinds.PANELAPP.kind, started, failed=True)
                self._report_failure(namespace, name, error, delay)
            else:
                self.queue.done(key, requeue_after=outcome.requeue_after)
                self._count(kinds.PANELAPP.kind, started, failed=False)
                with self._lock:
                    self._last_errors.pop(key, None)
                if outcome.applied or outcome.created or outcome.deleted or outcome.status_written:
                    log.debug(
                        "%s/%s: phase %s, applied %s, created %s, deleted %s",
                        namespace,
                        name,
                        outcome.phase,
                        outcome.applied,
                        outcome.created,
                        outcome.deleted,
                    )

    def _work_on_task(self, key: tuple[str, str, str]) -> None:
        _, namespace, name = key
        started = time.monotonic()
        try:
            requeue = self.task_reconciler.reconcile(namespace, name)
        except Exception as error:
            delay = self.queue.done(key, failed=True)
            self._count(kinds.PANELAPP_TASK.kind, started, failed=True)
            message = str(error) if isinstance(error, ApiError) else f"{type(error).__name__}: {error}"
            log.error(
                "reconcile of task %s/%s failed (retrying in %.0fs): %s",
                namespace,
                name,
                delay or 0,
                message,
                exc_info=not isinstance(error, ApiError),
            )
        else:
            self.queue.done(key, requeue_after=requeue)
            self._count(kinds.PANELAPP_TASK.kind, started, failed=False)

    def _count(self, kind: str, started: float, failed: bool) -> None:
        with self._lock:
            self.reconciles += 1
            self.failures += int(failed)
        self.on_reconciled(kind, time.monotonic() - started, failed)

    def _report_failure(self, namespace: str, name: str, error: Exception, delay: float | None) -> None:
        # ApiError messages carry the server's words, never a request body: safe to log and post.
        message = str(error) if isinstance(error, ApiError) else f"{type(error).__name__}: {error}"
        log.error(
            "reconcile of %s/%s failed (retrying in %.0fs): %s",
            namespace,
            name,
            delay or 0,
            message,
            exc_info=not isinstance(error, ApiError),
        )
        with self._lock:
            repeated = self._last_errors.get((namespace, name)) == message
            self._last_errors[(namespace, name)] = message
        body = self.cache.get(kinds.PANELAPP, namespace, name)
        if repeated or body is None:
            return
        try:
            self.kube.post_event(body, "Warning", "ReconcileFailed", f"{message} (retrying)")
        except ApiError:
            log.warning("could not post the ReconcileFailed Event for %s/%s", namespace, name)

    def _resync_forever(self) -> None:
        while not self._stopping.wait(self.resync_seconds):
            keys = self.cache.panelapp_keys()
            # Spread the round over a tenth of the interval instead of a spike.
            spread = min(self.resync_seconds / 10, 10.0)
            for key in keys:
                self.queue.add(key, random.uniform(0, spread))
            for namespace, name in self.cache.keys_of(kinds.PANELAPP_TASK):
                self.queue.add(task_key(namespace, name), random.uniform(0, spread))

    # --- reporting -----------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        with self._lock:
            counts = {"reconciles": self.reconciles, "failures": self.failures}
        return {
            **counts,
            "queued": len(self.queue),
            "cached_objects": self.cache.size(),
            "panelapps": len(self.cache.panelapp_keys()),
            "api": self.kube.stats.snapshot(),
            "workers_alive": self.alive(),
        }


def _owner_name(body: Mapping[str, Any]) -> str | None:
    meta = body.get("metadata") or {}
    for ref in meta.get("ownerReferences") or ():
        if ref.get("kind") == api.KIND and ref.get("apiVersion", "").startswith(api.GROUP + "/"):
            owner: str | None = ref.get("name")
            return owner
    instance: str | None = (meta.get("labels") or {}).get(names.LABEL_INSTANCE)
    return instance
