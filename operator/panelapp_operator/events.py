"""Kubernetes Events for milestones and errors, derived from status transitions.

Deriving Events from the difference between the status before and after a reconcile (rather than
from what the code happened to do) means a resync that changes nothing posts nothing, and a
restarted operator does not repeat Events for transitions it already recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from panelapp_operator import spec as api
from panelapp_operator import upgrade as upgrades

NORMAL, WARNING = "Normal", "Warning"


@dataclass(frozen=True)
class Event:
    type: str  # Normal or Warning
    reason: str
    message: str


def _condition(status: api.PanelAppStatus, type_: str) -> api.Condition | None:
    return next((c for c in status.conditions or () if c.type == type_), None)


def _signature(condition: api.Condition | None) -> tuple[str, str, str] | None:
    return None if condition is None else (condition.status, condition.reason, condition.message)


def transition_events(old: api.PanelAppStatus, new: api.PanelAppStatus) -> list[Event]:
    found: list[Event] = []
    found += _config_events(old, new)
    found += _upgrade_events(old.upgrade, new.upgrade)
    found += _phase_events(old, new)
    found += _maintenance_events(old, new)
    return found


def _maintenance_events(old: api.PanelAppStatus, new: api.PanelAppStatus) -> list[Event]:
    before, after = _condition(old, "Maintenance"), _condition(new, "Maintenance")
    was_on = before is not None and before.status == "True"
    if after is not None and after.status == "True":
        return [] if was_on else [Event(NORMAL, "MaintenanceStarted", after.message)]
    if was_on and after is not None:
        return [Event(NORMAL, "MaintenanceEnded", after.message)]
    return []


def _config_events(old: api.PanelAppStatus, new: api.PanelAppStatus) -> list[Event]:
    before, after = _condition(old, "ConfigValid"), _condition(new, "ConfigValid")
    if after is None or _signature(before) == _signature(after):
        return []
    if after.status == "False":
        return [Event(WARNING, after.reason, after.message)]
    if before is not None and before.status == "False":
        return [Event(NORMAL, "ConfigValid", "the spec is valid again; applying it")]
    return []


def _upgrade_events(old: api.UpgradeStatus | None, new: api.UpgradeStatus | None) -> list[Event]:
    if new is None:
        return []
    before = old.state if old is not None and old.key == new.key else None
    if before == new.state:
        return []
    found: list[Event] = []
    order = (upgrades.MIGRATING, upgrades.COLLECTING_STATIC, upgrades.ROLLING_OUT, upgrades.UPGRADE_SUCCEEDED)
    rank = {state: index for index, state in enumerate(order)}
    if before is None:
        was = -1
    elif before == upgrades.UPGRADE_FAILED:
        was = len(order)
    else:
        was = rank.get(before, -1)
    now = rank.get(new.state, -1)

    def passed(state: str) -> bool:
        return was < rank[state] <= now

    if new.state == upgrades.DRAINING and before is None:
        found.append(Event(NORMAL, "DrainingStarted", new.message or "maintenance before the migration"))
    # The backup's steps, like the later ones, each get their Event even when one reconcile (or a
    # status write that did not land) passes them together: BackingUp may never be seen.
    if new.backup_job and before in (None, upgrades.DRAINING):
        found.append(
            Event(
                NORMAL,
                "BackupStarted",
                f"job {new.backup_job} backs up the database before the migration to {new.image}",
            )
        )
    if (
        new.backup_job
        and before in (None, upgrades.DRAINING, upgrades.BACKING_UP)
        and new.state not in (upgrades.BACKING_UP, upgrades.UPGRADE_FAILED)
    ):
        found.append(Event(NORMAL, "BackupSucceeded", f"job {new.backup_job} backed up the database"))
    if new.state == upgrades.MIGRATING and before in (None, upgrades.DRAINING, upgrades.BACKING_UP):
        found.append(
            Event(NORMAL, "MigrationStarted", f"job {new.migration_job} migrates the database for {new.image}")
        )
    # Reaching any state after Migrating means the migration succeeded (several steps may pass in
    # one reconcile, e.g. after an operator restart: each still gets its Event).
    if passed(upgrades.COLLECTING_STATIC):
        found.append(
            Event(NORMAL, "MigrationSucceeded", f"job {new.migration_job} migrated the database for {new.image}")
        )
        if new.collectstatic_job is not None:
            found.append(Event(NORMAL, "CollectstaticStarted", f"job {new.collectstatic_job} collects static files"))
    if passed(upgrades.ROLLING_OUT):
        found.append(Event(NORMAL, "RolloutStarted", f"moving web, worker and beat to {new.image}"))
    if passed(upgrades.UPGRADE_SUCCEEDED):
        found.append(Event(NORMAL, "RolloutComplete", f"web, worker and beat run {new.image}"))
    if new.state == upgrades.UPGRADE_FAILED:
        reason = {"collectstatic": "CollectstaticFailed", "backup": "BackupFailed"}.get(
            new.failed_step or "", "MigrationFailed"
        )
        found.append(
            Event(
                WARNING,
                reason,
                f"{new.message}. The previous pods keep serving; change spec.image "
                "or spec.migrations.trigger to try again",
            )
        )
    return found


def _phase_events(old: api.PanelAppStatus, new: api.PanelAppStatus) -> list[Event]:
    found: list[Event] = []
    if new.phase == "Suspended" and old.phase != "Suspended":
        found.append(Event(NORMAL, "Suspended", "spec.suspend is true: the operator makes no changes"))
    if old.phase == "Suspended" and new.phase not in ("Suspended", None):
        found.append(Event(NORMAL, "Resumed", "spec.suspend is false: reconciling again"))
    degraded_before, degraded_after = _condition(old, "Degraded"), _condition(new, "Degraded")
    if (
        degraded_after is not None
        and degraded_after.status == "True"
        and degraded_after.reason == "PodsFailing"
        and (degraded_before is None or degraded_before.status != "True" or degraded_before.reason != "PodsFailing")
    ):
        found.append(Event(WARNING, "PodsFailing", degraded_after.message))
    ready_before, ready_after = _condition(old, "Ready"), _condition(new, "Ready")
    if (
        ready_after is not None
        and ready_after.status == "True"
        and (ready_before is None or ready_before.status != "True")
    ):
        found.append(Event(NORMAL, "Ready", ready_after.message))
    return found
