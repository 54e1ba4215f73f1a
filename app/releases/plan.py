"""What deploying a release will do to each of its panels, worked out without touching them.

A deployment handles the panels in panel-id order. For each one it promotes (if chosen: the major
version +1, minor 0) and then signs off: the version as it is then is frozen and signed off today,
and the live panel moves on one minor version. A super panel is bumped with each of its child
panels (panels.services.versioning), so a super panel in the same release as one of its children
moves further; the plan counts those bumps too, so the preview is what the deployment does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from panels.versions import Version


@dataclass(frozen=True)
class PanelState:
    panel_id: int
    version: Version
    promote: bool
    signed_off: str  # the latest signed-off version, "" when none


@dataclass(frozen=True)
class PanelPlan:
    panel_id: int
    promote: bool
    version_before: Version
    signed_off_before: str
    #: The version this deployment signs off (the promoted version when promoted).
    signed_off_version: Version
    #: The live version once deployed.
    version_after: Version


def plan(panels: Iterable[PanelState], parents: Mapping[int, Iterable[int]]) -> dict[int, PanelPlan]:
    """``parents``: child panel id -> the ids of the super panels that include it."""
    states = sorted(panels, key=lambda p: p.panel_id)
    current = {p.panel_id: p.version for p in states}
    signed: dict[int, Version] = {}

    def bump(panel_id: int, major: bool) -> None:
        for target in (panel_id, *parents.get(panel_id, ())):
            if target in current:
                current[target] = current[target].next_major() if major else current[target].next_minor()

    for state in states:
        if state.promote:
            bump(state.panel_id, major=True)
        signed[state.panel_id] = current[state.panel_id]
        bump(state.panel_id, major=False)
    return {
        p.panel_id: PanelPlan(
            panel_id=p.panel_id,
            promote=p.promote,
            version_before=p.version,
            signed_off_before=p.signed_off,
            signed_off_version=signed[p.panel_id],
            version_after=current[p.panel_id],
        )
        for p in states
    }
