"""Who may read which panels: the one rule for the web pages, the TSV downloads, API v1 and the
WebServices (security review F16).

Internal panels are work in progress: only curators read them, on every route. Public and
promoted panels are for everyone; retired panels stay readable by their address (they were
public, and signed-off versions of them are listed), though only curators see them in the panel
list. Deleted panels are read by nobody. PanelApp GE is less consistent (its web page and its
API's nested lists serve internal panels to anyone, while the API's detail refuses them); real
PanelApp's public API is the model followed here: no internal panel without the right account.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import is_curator

from .vocab import VISIBLE_STATUSES, PanelStatus

PUBLIC_READABLE: tuple[str, ...] = (PanelStatus.PUBLIC, PanelStatus.PROMOTED, PanelStatus.RETIRED)


def readable_statuses(user: User | AnonymousUser | None) -> tuple[str, ...]:
    if user is not None and is_curator(user):
        return (*PUBLIC_READABLE, PanelStatus.INTERNAL)
    return PUBLIC_READABLE


def listable_statuses(user: User | AnonymousUser) -> list[str]:
    """The panel lists: everyone sees public panels; curators also see internal and retired ones."""
    statuses: list[str] = list(VISIBLE_STATUSES)
    if is_curator(user):
        statuses += [PanelStatus.INTERNAL, PanelStatus.RETIRED]
    return statuses


def sees_internal(user: User | AnonymousUser | None) -> bool:
    return user is not None and is_curator(user)
