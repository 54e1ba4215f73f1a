"""Copying reviews from one panel to another (curators): for the chosen genes on both panels,
every review of the first whose author has not reviewed the gene on the second is copied, with
its comments, as PanelApp copies them. The work runs as the Celery task
``panels.tasks.copy_reviews``, which emails the curator the result; the target panel gets one
minor version when anything is copied."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from accounts.roles import is_curator

from .. import emails
from ..models import Comment, Evaluation, GenePanelSnapshot
from ..selectors.panels import snapshot_of_panel
from ..selectors.review_copy import LINKS, genes_to_copy
from ..vocab import PanelStatus
from .activity import log_activity
from .versioning import panel_change

logger = logging.getLogger(__name__)

#: The most genes one request may name (PanelApp's largest panels hold a few thousand).
MAX_GENES = 10_000


def check_copy(user: User, source: GenePanelSnapshot, target: GenePanelSnapshot, symbols: Sequence[str]) -> list[str]:
    """The chosen genes, or a ValidationError saying why they cannot be copied."""
    if not is_curator(user):
        raise PermissionDenied("Only Genomics England curators can copy reviews.")
    if PanelStatus.DELETED in (source.panel.status, target.panel.status):
        raise ValidationError({"genes": ["One of the panels has been deleted."]})
    if source.panel_id == target.panel_id:
        raise ValidationError({"genes": ["Choose two different panels."]})
    if source.is_super_panel() or target.is_super_panel():
        raise ValidationError({"genes": ["Super panels hold no genes of their own: copy between their child panels."]})
    chosen = list(dict.fromkeys(s for s in symbols if s))
    if not chosen:
        raise ValidationError({"genes": ["Choose at least one gene."]})
    if len(chosen) > MAX_GENES:
        raise ValidationError({"genes": [f"Choose at most {MAX_GENES:,} genes at a time."]})
    on_both = {row.symbol for row in genes_to_copy(source, target, chosen)}
    missing = [s for s in chosen if s not in on_both]
    if missing:
        raise ValidationError({"genes": [f"Not on both panels: {', '.join(missing[:20])}."]})
    return chosen


def request_copy(user: User, source: GenePanelSnapshot, target: GenePanelSnapshot, symbols: Sequence[str]) -> None:
    """Check the request and queue the copy (once the request's transaction commits)."""
    from ..tasks import copy_reviews

    chosen = check_copy(user, source, target, symbols)
    transaction.on_commit(lambda: copy_reviews.delay(user.pk, chosen, source.panel_id, target.panel_id))


def copy_reviews(user: User, source: GenePanelSnapshot, target: GenePanelSnapshot, symbols: Sequence[str]) -> int:
    """Copy the reviews (all at once, in bulk); the number copied. Run again, it copies nothing:
    the authors have reviewed the genes on the target by then."""
    if not genes_to_copy_any(source, target, symbols):
        return 0
    with panel_change(target):
        rows = genes_to_copy(source, target, symbols)
        originals = [(row.target_entity, evaluation) for row in rows for evaluation in row.to_copy]
        name = source.level4title.name
        copies = Evaluation.objects.bulk_create(
            [
                Evaluation(
                    user_id=e.user_id,
                    rating=e.rating,
                    mode_of_pathogenicity=e.mode_of_pathogenicity,
                    publications=e.publications,
                    phenotypes=e.phenotypes,
                    moi=e.moi,
                    current_diagnostic=e.current_diagnostic,
                    clinically_relevant=e.clinically_relevant,
                    version=f"Imported from {name} panel version {e.version or '0'}",
                    original_panel=e.original_panel,
                    last_updated=e.last_updated,
                    created=e.created,
                )
                for _, e in originals
            ]
        )
        LINKS.objects.bulk_create(
            [
                LINKS(genepanelentrysnapshot_id=entity_id, evaluation_id=copy.pk)
                for (entity_id, _), copy in zip(originals, copies, strict=True)
            ]
        )
        copy_of = {original.pk: copy.pk for (_, original), copy in zip(originals, copies, strict=True)}
        comment_links = Evaluation.comments.through.objects.filter(evaluation_id__in=list(copy_of)).select_related(
            "comment"
        )
        pairs = [(copy_of[link.evaluation_id], link.comment) for link in comment_links]
        new_comments = Comment.objects.bulk_create(
            [
                Comment(
                    user_id=c.user_id,
                    comment=c.comment,
                    flagged=c.flagged,
                    version=c.version,
                    last_updated=c.last_updated,
                    created=c.created,
                )
                for _, c in pairs
            ]
        )
        Evaluation.comments.through.objects.bulk_create(
            [
                Evaluation.comments.through(evaluation_id=evaluation_id, comment_id=comment.pk)
                for (evaluation_id, _), comment in zip(pairs, new_comments, strict=True)
            ]
        )
        genes = len({entity_id for entity_id, _ in originals})
        log_activity(
            target,
            user,
            f"Copied {len(copies)} review{'s' if len(copies) != 1 else ''} of {genes} "
            f"gene{'s' if genes != 1 else ''} from {name}",
        )
    return len(copies)


def genes_to_copy_any(source: GenePanelSnapshot, target: GenePanelSnapshot, symbols: Sequence[str]) -> bool:
    return any(row.to_copy for row in genes_to_copy(source, target, symbols))


def run_copy(user_pk: int, symbols: Sequence[str], source_panel_id: int, target_panel_id: int) -> int:
    """The task's work: copy, then email the curator the outcome ("Success copying the reviews"
    or "Error copying reviews", PanelApp's subjects); the number copied (-1 on error)."""
    user = get_user_model().objects.filter(pk=user_pk).first()
    try:
        source, target = snapshot_of_panel(source_panel_id), snapshot_of_panel(target_panel_id)
        if user is None:
            raise PermissionDenied("The curator's account no longer exists.")
        check_copy(user, source, target, symbols)
        count = copy_reviews(user, source, target, symbols)
    except (GenePanelSnapshot.DoesNotExist, PermissionDenied, ValidationError) as error:
        reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        logger.warning("copying reviews from panel %s to %s failed: %s", source_panel_id, target_panel_id, reason)
        if user is not None and user.email:
            emails.send(user.email, "Error copying reviews", f"The reviews were not copied: {reason}\n")
        return -1
    if user.email:
        text = (
            f"{count} review{'s' if count != 1 else ''} copied from {source.level4title.name} "
            f"to {target.level4title.name}, which is now at version {target.version}.\n\n"
            f"{emails.base_url()}/panels/{target.panel_id}/\n"
        )
        emails.send(user.email, "Success copying the reviews", text)
    return count
