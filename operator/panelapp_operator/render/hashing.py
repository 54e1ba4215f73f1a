"""Stable hashes of rendered objects and configuration."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from panelapp_operator import names


def stable_hash(value: Any, length: int = 16) -> str:
    """Hash of a JSON-able value, independent of dict ordering."""
    encoded = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:length]


def config_hash(
    config_data: Mapping[str, str],
    reference_versions: Mapping[str, str],
    force_reload: str | None,
) -> str:
    """What the pods' environment depends on: the ConfigMap's data, the resourceVersions of every
    referenced Secret and ConfigMap (never their values), and spec.forceReload."""
    return stable_hash(
        {"config": dict(config_data), "references": dict(reference_versions), "forceReload": force_reload or ""}
    )


def stamp_applied_hash(manifest: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of the manifest annotated with the hash of its own content."""
    stamped = copy.deepcopy(manifest)
    annotations = stamped.setdefault("metadata", {}).setdefault("annotations", {})
    annotations.pop(names.ANNOTATION_APPLIED_HASH, None)
    annotations[names.ANNOTATION_APPLIED_HASH] = stable_hash(stamped)
    return stamped


def applied_hash_of(manifest: Mapping[str, Any]) -> str | None:
    return ((manifest.get("metadata") or {}).get("annotations") or {}).get(names.ANNOTATION_APPLIED_HASH)
