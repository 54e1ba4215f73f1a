"""Adding one gene to several panels at once (curators): the panel of the form and the other
panels chosen with it, all or none, each panel with its own minor version."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from accounts.roles import is_curator

from ..models import GenePanelSnapshot
from ..models.entities import Entity
from ..vocab import EntityType, PanelStatus
from .entities import EntityFields, add_entity, check_can_add

#: The most panels one gene is added to at a time.
MAX_PANELS = 200


def check_other_panels(
    user: User, snapshot: GenePanelSnapshot, others: Sequence[GenePanelSnapshot], fields: EntityFields
) -> None:
    """Every other panel can take the gene, or a ValidationError naming each one that cannot."""
    if not others:
        return
    if not is_curator(user):
        raise PermissionDenied("Only Genomics England curators can add a gene to several panels.")
    if len(others) > MAX_PANELS:
        raise ValidationError({"additional_panels": [f"Choose at most {MAX_PANELS} panels at a time."]})
    problems = []
    for other in others:
        if other.panel_id == snapshot.panel_id:
            problems.append(f"{other.level4title.name}: this is the panel of the form.")
            continue
        if other.panel.status == PanelStatus.DELETED:
            problems.append(f"{other.level4title.name}: the panel has been deleted.")
            continue
        errors = check_can_add(other, EntityType.GENE, fields)
        for message in errors.get("gene", []) + errors.get("__all__", []):
            problems.append(f"{other.level4title.name}: {message}")
    if problems:
        raise ValidationError({"additional_panels": problems})


def add_gene_to_panels(
    snapshot: GenePanelSnapshot, user: User, fields: EntityFields, others: Sequence[GenePanelSnapshot]
) -> list[Entity]:
    """Add the gene to ``snapshot`` and to each of ``others`` with the same fields, in one
    transaction: if any panel refuses it, no panel gets it. The entities, the form's panel first."""
    check_other_panels(user, snapshot, others, fields)
    with transaction.atomic():
        added = [add_entity(snapshot, user, EntityType.GENE, fields)]
        for other in others:
            added.append(add_entity(other, user, EntityType.GENE, copy.deepcopy(fields)))
    return added
