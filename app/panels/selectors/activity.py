"""Reading the activity feed: what each user may see, filtered as the activity page asks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from runtime.ids import is_ascii_number, parse_id

from ..models import Activity
from ..models.activity import ActivityQuerySet


def visible_activities(user: User | AnonymousUser) -> ActivityQuerySet:
    """Newest first; curators also see internal panels' activity."""
    return Activity.objects.visible_to(user)


def recent_activity(user: User | AnonymousUser, count: int) -> ActivityQuerySet:
    """The latest activity of panels (the home page)."""
    return Activity.objects.visible_to(user).filter(panel__isnull=False)[:count]


def panel_activities(user: User | AnonymousUser, panel_id: int) -> ActivityQuerySet:
    return Activity.objects.visible_to(user).filter(panel_id=panel_id)


def filtered_activities(user: User | AnonymousUser, filters: dict[str, Any] | None) -> ActivityQuerySet:
    """The activity page's list: ``filters`` is its form's cleaned data (None: the form is not
    valid, and nothing is listed)."""
    qs = Activity.objects.visible_to(user).select_related("panel")
    if filters is None:
        return qs.none()
    if filters.get("panel"):
        term = filters["panel"].strip()
        if is_ascii_number(term):
            number = parse_id(term)
            qs = qs.filter(panel_id=number) if number is not None else qs.none()
        else:
            qs = qs.filter(panel__name__icontains=term)
    if filters.get("version"):
        qs = qs.filter(extra_data__panel_version=filters["version"])
    if filters.get("entity"):
        qs = qs.filter(entity_name__iexact=filters["entity"].strip())
    if filters.get("entity_type"):
        qs = qs.filter(entity_type=filters["entity_type"])
    if filters.get("date_from"):
        qs = qs.filter(created__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(created__date__lte=filters["date_to"])
    return qs


CSV_HEADER = ["Created", "Panel", "Panel ID", "Panel Version", "User", "Entity type", "Entity", "Activity"]


def csv_rows(qs: ActivityQuerySet) -> Iterator[list[Any]]:
    """The activity export's rows (``CSV_HEADER``), read in chunks."""
    for a in qs.iterator():
        extra = a.extra_data or {}
        yield [
            a.created.isoformat(),
            extra.get("panel_name"),
            a.panel_id,
            extra.get("panel_version"),
            extra.get("user_name"),
            a.entity_type or "",
            a.entity_name or "",
            a.text,
        ]
