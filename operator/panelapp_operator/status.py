"""Status as an API: phase, conditions and per-component health, computed from observed facts.

Pure functions. A condition keeps its lastTransitionTime while its status does not change, so a
status computed twice from the same facts is identical and costs no write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from panelapp_operator import spec as api
from panelapp_operator import upgrade as upgrades

READY, PROGRESSING, DEGRADED, MIGRATIONS_APPLIED, CONFIG_VALID, MAINTENANCE = api.CONDITION_TYPES
MAX_BACKUPS = 10


@dataclass(frozen=True)
class ConfigProblem:
    """Why the spec cannot be acted on: reason (InvalidSpec, MissingReference, Rejected, MissingCRD) and a
    message that names the field."""

    reason: str
    message: str


@dataclass(frozen=True)
class Facts:
    generation: int
    now: str
    previous: api.PanelAppStatus
    problem: ConfigProblem | None = None
    suspended: bool = False
    upgrade: upgrades.UpgradeDecision | None = None
    components: Mapping[str, api.ComponentStatus] | None = None
    config_hash: str | None = None
    # Why web is read-only now ("Requested": spec.maintenance; "Upgrade": a maintenance upgrade).
    read_only: str | None = None
    backup: api.BackupRecord | None = None  # a backup that just succeeded, to record


def set_condition(
    conditions: list[api.Condition], type_: str, status: str, reason: str, message: str, generation: int, now: str
) -> list[api.Condition]:
    previous = next((c for c in conditions if c.type == type_), None)
    since = previous.last_transition_time if previous is not None and previous.status == status else now
    updated = api.Condition(
        type=type_,
        status=status,
        reason=reason,
        message=message,
        last_transition_time=since,
        observed_generation=generation,
    )
    others = [c for c in conditions if c.type != type_]
    return sorted(
        others + [updated],
        key=lambda c: api.CONDITION_TYPES.index(c.type) if c.type in api.CONDITION_TYPES else len(api.CONDITION_TYPES),
    )


def build_status(facts: Facts) -> api.PanelAppStatus:
    previous = facts.previous
    conditions = list(previous.conditions or [])
    components = dict(facts.components) if facts.components is not None else None

    def cond(type_: str, status: bool | str, reason: str, message: str = "") -> None:
        nonlocal conditions
        value = status if isinstance(status, str) else ("True" if status else "False")
        conditions = set_condition(conditions, type_, value, reason, message, facts.generation, facts.now)

    status = previous.model_copy(update={"observed_generation": facts.generation})
    if components is not None:
        status = status.model_copy(
            update={
                "components": api.ComponentsStatus(**components) if components else None,
                "ready": _ready_text(components),
            }
        )

    if facts.problem is not None:
        # Nothing was applied: keep the other conditions as they were, they still describe what runs.
        cond(CONFIG_VALID, False, facts.problem.reason, facts.problem.message)
        cond(PROGRESSING, False, facts.problem.reason, "changes are on hold until the spec is fixed")
        return status.model_copy(update={"phase": "Invalid", "conditions": conditions})

    if facts.suspended:
        # References are not checked while suspended, so ConfigValid keeps its last value.
        cond(PROGRESSING, False, "Suspended", "spec.suspend is true: no changes are made")
        return status.model_copy(update={"phase": "Suspended", "conditions": conditions})

    cond(CONFIG_VALID, True, "Valid", "the spec is valid and every referenced Secret and ConfigMap exists")
    if facts.read_only == "Requested":
        cond(MAINTENANCE, True, "Requested", "spec.maintenance.enabled: web is read-only")
    elif facts.read_only == "Upgrade":
        cond(
            MAINTENANCE,
            True,
            "Upgrade",
            "migrations.strategy Maintenance: web is read-only and worker and beat "
            "are stopped until the new release rolls out",
        )
    elif any(c.type == MAINTENANCE for c in conditions):
        # Only PanelApps that used maintenance carry the condition at all.
        cond(MAINTENANCE, False, "Off", "web accepts writes")
    if facts.config_hash is not None:
        status = status.model_copy(update={"config_hash": facts.config_hash})

    decision = facts.upgrade
    assert decision is not None, "an unsuspended valid reconcile always decides the upgrade"
    upgrade = decision.upgrade
    status = status.model_copy(update={"upgrade": upgrade})
    if facts.backup is not None:
        status = status.model_copy(update={"backups": [facts.backup, *(previous.backups or ())][:MAX_BACKUPS]})
    if decision.jobs_done:
        status = status.model_copy(
            update={
                "image": upgrade.image,
                "migrated_image": upgrade.image,
                "component_images": dict(decision.workload_component_images) or None,
            }
        )
    elif upgrade.state == upgrades.COLLECTING_STATIC:
        status = status.model_copy(update={"migrated_image": upgrade.image})

    comps = components or {}
    failing = {name: c.pod_failures for name, c in comps.items() if c.pod_failures}
    all_ready = bool(comps) and all(c.ready for c in comps.values())
    serving = _serving_text(status.image, comps)

    if upgrade.state == upgrades.UPGRADE_FAILED:
        message = upgrade.message or ""
        if upgrade.failed_step == "backup":
            reason = "BackupFailed"
            cond(MIGRATIONS_APPLIED, False, reason, message)
        elif upgrade.failed_step == "collectstatic":
            reason = "CollectstaticFailed"
            cond(MIGRATIONS_APPLIED, True, "Migrated", f"database migrated for {upgrade.image}")
        else:
            reason = "MigrationFailed"
            cond(MIGRATIONS_APPLIED, False, reason, message)
        cond(DEGRADED, True, reason, message)
        cond(PROGRESSING, False, reason, "blocked until spec.image or spec.migrations.trigger changes")
        cond(READY, False, "UpgradeFailed", f"upgrade to {upgrade.image} failed; {serving}")
        return status.model_copy(update={"phase": "Degraded", "conditions": conditions})

    if upgrade.state in (upgrades.DRAINING, upgrades.BACKING_UP):
        cond(MIGRATIONS_APPLIED, False, upgrade.state, upgrade.message or "")
        cond(PROGRESSING, True, upgrade.state, upgrade.message or "")
        phase = "Migrating"
    elif upgrade.state == upgrades.MIGRATING:
        cond(
            MIGRATIONS_APPLIED,
            False,
            "WaitingForPreviousJob" if decision.waiting else "Migrating",
            upgrade.message or "",
        )
        cond(PROGRESSING, True, "Migrating", upgrade.message or "")
        phase = "Pending" if decision.waiting else "Migrating"
    elif upgrade.state == upgrades.COLLECTING_STATIC:
        cond(MIGRATIONS_APPLIED, True, "Migrated", f"database migrated for {upgrade.image}")
        cond(PROGRESSING, True, "CollectingStatic", upgrade.message or "")
        phase = "Migrating"
    else:
        cond(MIGRATIONS_APPLIED, True, "Migrated", f"database migrated for {upgrade.image}")
        if all_ready:
            cond(PROGRESSING, False, "Converged", f"all components run {upgrade.image}")
            phase = "Ready"
        else:
            cond(PROGRESSING, True, "RollingOut", _rollout_text(comps))
            phase = "RollingOut"

    if failing:
        text = "; ".join(f"{name}: {', '.join(items)}" for name, items in sorted(failing.items()))
        cond(DEGRADED, True, "PodsFailing", text)
        phase = "Degraded"
    else:
        cond(DEGRADED, False, "AsExpected", "no failures")

    if phase == "Ready":
        cond(READY, True, "Ready", f"all components ready at {upgrade.image}")
    elif phase in ("Migrating", "Pending"):
        cond(READY, False, "Upgrading", f"upgrading to {upgrade.image}; {serving}")
    else:
        cond(READY, False, "PodsFailing" if failing else "RollingOut", _rollout_text(comps))
    return status.model_copy(update={"phase": phase, "conditions": conditions})


def _ready_text(components: Mapping[str, api.ComponentStatus]) -> str:
    ready = sum(min(c.ready_replicas, c.replicas) for c in components.values())
    desired = sum(c.replicas for c in components.values())
    return f"{ready}/{desired}"


def _serving_text(image: str | None, components: Mapping[str, api.ComponentStatus]) -> str:
    if not components or image is None:
        return "nothing is serving yet"
    return f"{image} keeps serving ({_ready_text(components)} pods ready)"


def _rollout_text(components: Mapping[str, api.ComponentStatus]) -> str:
    if not components:
        return "waiting for the Deployments"
    parts = [
        f"{name} {c.updated_replicas}/{c.replicas} updated, {c.available_replicas}/{c.replicas} available"
        for name, c in components.items()
        if not c.ready
    ]
    return "; ".join(parts) or "all components ready"
