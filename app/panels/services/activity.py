"""Writing the activity feed."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

from ..models import Activity, GenePanelSnapshot
from ..models.entities import Entity

#: Who a feed line names: a user, or nobody (an import whose curator's account is gone).
Actor = User | AnonymousUser | None


def user_name(user: Actor) -> str | None:
    if user is None:
        return None
    return user.display_name() if hasattr(user, "display_name") else str(user)


def log_activity(snapshot: GenePanelSnapshot, user: Actor, text: str, entity: Entity | None = None) -> Activity:
    """Record ``text`` against the panel's *current* version (call after any version bump)."""
    activity = activity_line(snapshot, user, text, entity)
    activity.save()
    return activity


def activity_line(snapshot: GenePanelSnapshot, user: Actor, text: str, entity: Entity | None = None) -> Activity:
    """The (unsaved) feed line ``log_activity`` writes; bulk imports save many at once."""
    item_type = Activity.ItemType.ENTITY if entity is not None else Activity.ItemType.PANEL
    extra: dict[str, object] = {
        "user_name": user_name(user),
        "panel_name": snapshot.level4title.name,
        "panel_id": snapshot.panel_id,
        "panel_version": snapshot.version,
        "item_type": item_type,
    }
    fields = {}
    if entity is not None:
        entity_type = str(entity.entity_type)
        extra.update({"entity_type": entity_type, "entity_name": entity.name})
        fields = {"entity_type": entity_type, "entity_name": entity.name}
    return Activity(
        panel_id=snapshot.panel_id,
        user=user if isinstance(user, User) and user.pk else None,
        text=text,
        item_type=item_type,
        extra_data=extra,
        **fields,
    )
