"""Rotated Secrets and ConfigMaps roll the pods within seconds, not at the next resync.

Two pieces:
- `ReferenceIndex`: which PanelApps reference which Secret or ConfigMap by name, refreshed by every
  reconcile (so it follows spec edits, and names a reference before it exists: creating a missing
  Secret wakes its PanelApp at once).
- `ReferenceWatcher`: one metadata-only watch per kind (Secrets, ConfigMaps) and watched namespace.
  The API server sends PartialObjectMetadata, so no Secret value ever reaches the operator, and
  the objects users own need no label. A change to an indexed object calls `on_change`; the
  controller then drops the cached facts of that object and queues the PanelApps that use it.

Why not kopf: its watches stream whole objects (Secret data included) and keep them in memory.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from panelapp_operator import kinds
from panelapp_operator.kinds import Kind
from panelapp_operator.kube import ApiError, Kube

log = logging.getLogger(__name__)

WATCHED_REFERENCE_KINDS = (kinds.SECRET, kinds.CONFIG_MAP)
WATCH_TIMEOUT_SECONDS = 300
MAX_BACKOFF_SECONDS = 30.0

# Who references an object: (kind, name) of a PanelApp or a PanelAppTask in the same namespace.
Owner = tuple[str, str]


class ReferenceIndex:
    """(kind, namespace, name) of a referenced object -> the owners (e.g. ("PanelApp", name))
    whose spec names it. Thread-safe; holds names only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_owner: dict[tuple[str, Owner], frozenset[tuple[str, str]]] = {}
        self._by_object: dict[tuple[str, str, str], set[Owner]] = {}

    def set(self, namespace: str, owner: Owner, references: Iterable[tuple[str, str]]) -> None:
        """Replace what `owner` references: (kind, name) pairs, kind "Secret" or "ConfigMap"."""
        wanted = frozenset(references)
        with self._lock:
            previous = self._by_owner.get((namespace, owner), frozenset())
            if previous == wanted:
                return
            for kind, name in previous - wanted:
                owners = self._by_object.get((kind, namespace, name))
                if owners is not None:
                    owners.discard(owner)
                    if not owners:
                        del self._by_object[(kind, namespace, name)]
            for kind, name in wanted - previous:
                self._by_object.setdefault((kind, namespace, name), set()).add(owner)
            if wanted:
                self._by_owner[(namespace, owner)] = wanted
            else:
                self._by_owner.pop((namespace, owner), None)

    def forget(self, namespace: str, owner: Owner) -> None:
        self.set(namespace, owner, ())

    def referrers(self, kind: str, namespace: str, name: str) -> list[Owner]:
        with self._lock:
            return list(self._by_object.get((kind, namespace, name), ()))


class ReferenceWatcher:
    """Metadata-only watches of Secrets and ConfigMaps in the given namespaces (none: all)."""

    def __init__(
        self,
        kube: Kube,
        namespaces: list[str],
        on_change: Callable[[Kind, str, str], None],
        *,
        watch_timeout_seconds: int = WATCH_TIMEOUT_SECONDS,
    ):
        self.kube = kube
        self.scopes: list[str | None] = list(namespaces) if namespaces else [None]
        self.on_change = on_change
        self.watch_timeout_seconds = watch_timeout_seconds
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for kind in WATCHED_REFERENCE_KINDS:
            for namespace in self.scopes:
                thread = threading.Thread(
                    target=self._run,
                    args=(kind, namespace),
                    daemon=True,
                    name=f"watch-{kind.plural}-{namespace or 'all'}",
                )
                thread.start()
                self._threads.append(thread)

    def stop(self) -> None:
        # The threads are daemons blocked in a watch that ends by itself; nothing to join.
        self._stopping.set()

    def _run(self, kind: Kind, namespace: str | None) -> None:
        known: dict[tuple[str, str], str] | None = None  # (namespace, name) -> resourceVersion
        backoff = 1.0
        while not self._stopping.is_set():
            try:
                known, version = self._relist(kind, namespace, known)
                backoff = 1.0
                while not self._stopping.is_set():
                    version = self._watch(kind, namespace, version, known)
            except ApiError as error:
                if error.status != 410:  # 410 Gone: our version is too old; list again at once
                    log.warning(
                        "watching %s in %s failed (retrying in %.0fs): %s",
                        kind.plural,
                        namespace or "all namespaces",
                        backoff,
                        error,
                    )
                    self._stopping.wait(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            except Exception as error:
                log.warning(
                    "watch of %s in %s interrupted (retrying in %.0fs): %s: %s",
                    kind.plural,
                    namespace or "all namespaces",
                    backoff,
                    type(error).__name__,
                    error,
                )
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    def _relist(
        self, kind: Kind, namespace: str | None, known: dict[tuple[str, str], str] | None
    ) -> tuple[dict[tuple[str, str], str], str]:
        """List afresh. After the first list, whatever changed while no watch was open is reported."""
        items, version = self.kube.list_metadata(kind, namespace)
        current = {(meta.get("namespace") or "", meta["name"]): meta.get("resourceVersion") or "" for meta in items}
        if known is not None:
            for key in current.keys() | known.keys():
                if current.get(key) != known.get(key):
                    self._notify(kind, *key)
        return current, version

    def _watch(self, kind: Kind, namespace: str | None, version: str, known: dict[tuple[str, str], str]) -> str:
        for event_type, meta in self.kube.watch_metadata(kind, namespace, version, self.watch_timeout_seconds):
            version = meta.get("resourceVersion") or version
            if event_type == "BOOKMARK":
                continue
            key = (meta.get("namespace") or "", meta.get("name") or "")
            if event_type == "DELETED":
                known.pop(key, None)
            elif known.get(key) == meta.get("resourceVersion"):
                continue
            else:
                known[key] = meta.get("resourceVersion") or ""
            self._notify(kind, *key)
            if self._stopping.is_set():
                break
        return version

    def _notify(self, kind: Kind, namespace: str, name: str) -> None:
        try:
            self.on_change(kind, namespace, name)
        except Exception:
            log.exception("handling a change of %s %s/%s failed", kind.kind, namespace, name)
