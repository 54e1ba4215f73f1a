"""Does a child need to be applied? Compare what we want with what the API server holds.

Two checks, both needed, both free of API calls:
- the applied-hash annotation: the desired object changed since we last applied it (this also
  catches fields we *stopped* setting, which a comparison with the live object cannot see);
- a subset comparison: every field we set still has the value we set (someone edited or removed
  it: drift). Fields other controllers add (defaults, status, an autoscaler's replicas) are not ours
  and are ignored.

If neither check fires, the child is converged and costs no write.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from panelapp_operator.kube import parse_quantity
from panelapp_operator.render import hashing

MISSING = "missing"
CHANGED = "changed"


def needs_apply(desired: Mapping[str, Any], observed: Mapping[str, Any] | None) -> str | None:
    """None when converged; otherwise why it must be applied: "missing", "changed", or
    "drifted at <path>"."""
    if observed is None:
        return MISSING
    if hashing.applied_hash_of(desired) != hashing.applied_hash_of(observed):
        return CHANGED
    difference = first_difference(desired, observed)
    return None if difference is None else f"drifted at {difference}"


def first_difference(desired: Any, observed: Any, path: str = "") -> str | None:
    """Path of the first field of `desired` that `observed` does not hold, or None."""
    if isinstance(desired, Mapping):
        if not isinstance(observed, Mapping):
            return path or "."
        for key, value in desired.items():
            where = f"{path}.{key}"
            if key not in observed:
                if _is_empty(value):
                    continue  # the API server omits empty maps, lists and nulls
                return where
            found = first_difference(value, observed[key], where)
            if found:
                return found
        return None
    if isinstance(desired, list):
        if not isinstance(observed, list):
            return path
        if desired and all(isinstance(item, Mapping) and "name" in item for item in desired):
            # Lists merged by name (containers, env, volumes, ports): other managers' entries are
            # kept by server-side apply, so only ours are compared.
            by_name = {item.get("name"): item for item in observed if isinstance(item, Mapping)}
            for item in desired:
                where = f"{path}[{item['name']}]"
                if item["name"] not in by_name:
                    return where
                found = first_difference(item, by_name[item["name"]], where)
                if found:
                    return found
            return None
        if len(desired) != len(observed):
            return path
        for index, (want, have) in enumerate(zip(desired, observed, strict=True)):
            found = first_difference(want, have, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if _same_scalar(desired, observed) else path


def _is_empty(value: Any) -> bool:
    return value is None or value == {} or value == []


def _same_scalar(desired: Any, observed: Any) -> bool:
    if isinstance(desired, bool) or isinstance(observed, bool):
        return desired is observed  # in Python True == 1; in YAML they are different values
    if desired == observed:
        return True
    # Quantities come back canonical: 0.5 -> 500m, 1024Mi -> 1Gi, 1 -> "1".
    if isinstance(desired, (str, int)) and isinstance(observed, (str, int)):
        return _quantity(desired) is not None and _quantity(desired) == _quantity(observed)
    return False


def _quantity(value: str | int) -> Decimal | None:
    try:
        return parse_quantity(value)
    except (ValueError, TypeError):
        return None
