"""Writing the activity feed."""

from __future__ import annotations

from ..models import Activity, GenePanelSnapshot


def user_name(user) -> str | None:
    if user is None:
        return None
    return user.display_name() if hasattr(user, "display_name") else str(user)


def log_activity(snapshot: GenePanelSnapshot, user, text: str, entity=None) -> Activity:
    """Record ``text`` against the panel's *current* version (call after any version bump)."""
    activity = activity_line(snapshot, user, text, entity)
    activity.save()
    return activity


def activity_line(snapshot: GenePanelSnapshot, user, text: str, entity=None) -> Activity:
    """The (unsaved) feed line ``log_activity`` writes; bulk imports save many at once."""
    extra = {
        "user_name": user_name(user),
        "panel_name": snapshot.level4title.name,
        "panel_id": snapshot.panel_id,
        "panel_version": snapshot.version,
        "item_type": Activity.ItemType.ENTITY if entity is not None else Activity.ItemType.PANEL,
    }
    fields = {}
    if entity is not None:
        entity_type = str(entity.entity_type)
        extra.update({"entity_type": entity_type, "entity_name": entity.name})
        fields = {"entity_type": entity_type, "entity_name": entity.name}
    return Activity(
        panel_id=snapshot.panel_id,
        user=user if getattr(user, "pk", None) else None,
        text=text,
        item_type=extra["item_type"],
        extra_data=extra,
        **fields,
    )
