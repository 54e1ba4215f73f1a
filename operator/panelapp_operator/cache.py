"""An in-memory view of the PanelApps and their children, fed by watch events.

Reconciles read from here instead of issuing a GET per child, which is what makes a converged
resync free of API calls. The watches are label-selected on the server, so only objects this
operator manages are held. managedFields are dropped on the way in (they are most of an object's
size); the one fact the operator needs from them, whether it owns a Deployment's replicas, is kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from panelapp_operator import kinds, names
from panelapp_operator.kinds import Kind

TOMBSTONE_SECONDS = 600


@dataclass(frozen=True)
class Cached:
    body: dict[str, Any]
    owns_replicas: bool = False  # our field manager applies spec.replicas (Deployments only)


def owns_replicas(body: Mapping[str, Any]) -> bool:
    for entry in (body.get("metadata") or {}).get("managedFields") or ():
        if (
            entry.get("manager") == names.FIELD_MANAGER
            and entry.get("operation") == "Apply"
            and "f:replicas" in ((entry.get("fieldsV1") or {}).get("f:spec") or {})
        ):
            return True
    return False


def _version(body: Mapping[str, Any]) -> int | None:
    try:
        return int((body.get("metadata") or {}).get("resourceVersion") or "")
    except ValueError:
        return None


class Cache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._objects: dict[tuple[str, str, str], Cached] = {}
        # (namespace, instance) -> keys of its children, for listing without a scan.
        self._by_instance: dict[tuple[str, str], set[tuple[str, str, str]]] = {}
        self._tombstones: dict[tuple[str, str, str], float] = {}
        self._expected_deletions: set[tuple[str, str, str]] = set()

    def put(self, kind: Kind, body: Mapping[str, Any]) -> bool:
        """Store an object; True if it is news (not a version already held)."""
        meta = body.get("metadata") or {}
        key = (kind.kind, meta.get("namespace") or "", meta["name"])
        slim = {k: v for k, v in body.items() if k not in ("data", "stringData", "binaryData") or kind.kind != "Secret"}
        slim["metadata"] = {k: v for k, v in meta.items() if k != "managedFields"}
        entry = Cached(slim, owns_replicas(body) if kind.kind == kinds.DEPLOYMENT.kind else False)
        with self._lock:
            current = self._objects.get(key)
            new_version = _version(body)
            old_version = None if current is None else _version(current.body)
            # Watch events and our own write responses race; never go back in time. (Versions are
            # etcd revisions; if they are ever not numbers, the newest arrival wins.)
            if (
                current is not None
                and new_version is not None
                and old_version is not None
                and new_version <= old_version
            ):
                return False
            self._objects[key] = entry
            self._tombstones.pop(key, None)
            instance = (meta.get("labels") or {}).get(names.LABEL_INSTANCE)
            if kind.kind != kinds.PANELAPP.kind and instance:
                self._by_instance.setdefault((key[1], instance), set()).add(key)
            return True

    def expect_deletion(self, kind: Kind, namespace: str, name: str) -> None:
        """The operator itself deletes this object: its disappearance is not drift."""
        with self._lock:
            self._expected_deletions.add((kind.kind, namespace, name))

    def delete(self, kind: Kind, namespace: str, name: str) -> None:
        key = (kind.kind, namespace, name)
        with self._lock:
            entry = self._objects.pop(key, None)
            record_tombstone = key not in self._expected_deletions
            self._expected_deletions.discard(key)
            if entry is None:
                return
            instance = ((entry.body.get("metadata") or {}).get("labels") or {}).get(names.LABEL_INSTANCE)
            if instance:
                self._by_instance.get((namespace, instance), set()).discard(key)
            if record_tombstone:
                now = time.monotonic()
                self._tombstones = {k: t for k, t in self._tombstones.items() if now - t < TOMBSTONE_SECONDS}
                self._tombstones[key] = now

    def get(self, kind: Kind, namespace: str, name: str) -> dict[str, Any] | None:
        entry = self.entry(kind, namespace, name)
        return None if entry is None else entry.body

    def entry(self, kind: Kind, namespace: str, name: str) -> Cached | None:
        with self._lock:
            return self._objects.get((kind.kind, namespace, name))

    def children(self, namespace: str, instance: str, kind: Kind | None = None) -> list[dict[str, Any]]:
        with self._lock:
            keys = list(self._by_instance.get((namespace, instance), ()))
            return [self._objects[k].body for k in keys if k in self._objects and (kind is None or k[0] == kind.kind)]

    def was_deleted(self, kind: Kind, namespace: str, name: str) -> bool:
        """Seen deleted recently (by someone else: the operator's own deletes leave no tombstone)."""
        with self._lock:
            seen = self._tombstones.get((kind.kind, namespace, name))
        return seen is not None and time.monotonic() - seen < TOMBSTONE_SECONDS

    def panelapp_keys(self) -> list[tuple[str, str]]:
        return self.keys_of(kinds.PANELAPP)

    def keys_of(self, kind: Kind) -> list[tuple[str, str]]:
        with self._lock:
            return [(ns, name) for (held, ns, name) in self._objects if held == kind.kind]

    def size(self) -> int:
        with self._lock:
            return len(self._objects)
