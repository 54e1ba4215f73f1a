"""One-click clearing of an entity's sources, phenotypes, publications, mode of pathogenicity or
transcript (curators). Each clear that changes something bumps the minor version, like any
curator edit, and writes a history line and an activity line."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.roles import is_curator

from ..models import GenePanelSnapshot, TrackRecord
from ..models.entities import Entity
from ..vocab import EntityType
from .activity import log_activity
from .entities import refresh_status, track_record, update_field
from .versioning import panel_change

#: What each clearable field becomes: PanelApp empties lists and sets the mode of pathogenicity
#: to "" (the transcript, a gene's only, to none).
CLEARED: dict[str, Any] = {"phenotypes": [], "publications": [], "mode_of_pathogenicity": "", "transcript": []}


def clearable(entity: Entity, attr: str) -> bool:
    return attr in CLEARED and (attr != "transcript" or entity.entity_type == EntityType.GENE)


def clear_field(snapshot: GenePanelSnapshot, entity: Entity, user: User, attr: str) -> bool:
    """Empty one field; False (and no new version) when it was empty already."""
    if not clearable(entity, attr):
        raise ValueError(f"{attr} cannot be cleared on {entity.label}")
    return update_field(snapshot, entity, user, attr, CLEARED[attr])


def clear_sources(snapshot: GenePanelSnapshot, entity: Entity, user: User, source: str | None = None) -> bool:
    """Remove every source (``source`` None) or every source of that name, expert reviews
    included, and rate the entity again from what is left. False when there was nothing to remove."""
    if not is_curator(user):
        raise PermissionDenied("Only Genomics England curators can change entities.")
    sources = entity.evidence.all() if source is None else entity.evidence.filter(name=source)
    if not sources.exists():
        return False
    with panel_change(snapshot):
        entity.refresh_from_db()
        removed = entity.evidence.all() if source is None else entity.evidence.filter(name=source)
        removed.delete()
        refresh_status(entity)
        if source is None:
            issue = (TrackRecord.IssueType.CLEAR_SOURCES, f"All sources for {entity.label} were removed.")
        else:
            issue = (TrackRecord.IssueType.REMOVED_SOURCE, f"Source {source} was removed from {entity.label}.")
        track = track_record(user, [issue], entity.saved_gel_status or 0)
        track.save()
        entity.track.add(track)
        log_activity(snapshot, user, track.issue_description, entity)
    return True
