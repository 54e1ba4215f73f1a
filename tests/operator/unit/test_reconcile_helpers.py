"""Small pure pieces of reconcile.py."""

from __future__ import annotations

from panelapp_operator.reconcile import merge_patch


def test_merge_patch_turns_old_into_new():
    old = {
        "phase": "Ready",
        "components": {"web": {"ready": True, "podFailures": ["x"]}, "beat": {"ready": True}},
        "conditions": [{"type": "Ready"}],
    }
    new = {"phase": "Degraded", "components": {"web": {"ready": False}}, "conditions": [{"type": "Ready"}]}
    assert merge_patch(old, new) == {
        "phase": "Degraded",
        "components": {"web": {"ready": False, "podFailures": None}, "beat": None},
    }
    assert merge_patch(new, new) == {}
