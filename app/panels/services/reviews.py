"""Reviews (evaluations) and comments. None of these change the panel version."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_verified_reviewer

from ..models import Comment, Evaluation, GenePanelSnapshot
from ..models.entities import Entity
from ..models.panels import clean_list
from ..vocab import MOI_VALUES, MOP_VALUES, ReviewRating
from .activity import log_activity
from .versioning import panel_change


@dataclass
class ReviewFields:
    rating: str = ""
    moi: str = ""
    mode_of_pathogenicity: str = ""
    phenotypes: list[str] = field(default_factory=list)
    publications: list[str] = field(default_factory=list)
    current_diagnostic: bool = False
    clinically_relevant: bool | None = None
    comment: str = ""


def _validate(fields: ReviewFields) -> None:
    errors = {}
    if fields.rating and fields.rating not in ReviewRating.values:
        errors["rating"] = [f"{fields.rating!r} is not a rating (GREEN, AMBER, RED)."]
    if fields.moi and fields.moi not in MOI_VALUES:
        errors["moi"] = [f"{fields.moi!r} is not a mode of inheritance PanelApp knows."]
    if fields.mode_of_pathogenicity and fields.mode_of_pathogenicity not in MOP_VALUES:
        errors["mode_of_pathogenicity"] = ["Not a mode of pathogenicity PanelApp knows."]
    if errors:
        raise ValidationError(errors)


def user_review(entity: Entity, user: User | AnonymousUser) -> Evaluation | None:
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    return entity.evaluation.filter(user=user).first()


def apply_review(
    snapshot: GenePanelSnapshot, entity: Entity, user: User, fields: ReviewFields, *, append_only: bool = False
) -> Evaluation:
    """Create or update ``user``'s review (inside a ``panel_change``); one review per user per entity."""
    existing = user_review(entity, user)
    created = existing is None
    evaluation = Evaluation(user=user) if existing is None else existing
    phenotypes, publications = clean_list(fields.phenotypes), clean_list(fields.publications)
    if append_only and not created:
        phenotypes = list(dict.fromkeys(list(evaluation.phenotypes or []) + phenotypes))
        publications = list(dict.fromkeys(list(evaluation.publications or []) + publications))
    evaluation.rating = fields.rating or (evaluation.rating if append_only else "")
    evaluation.moi = fields.moi or (evaluation.moi if append_only else "")
    evaluation.mode_of_pathogenicity = fields.mode_of_pathogenicity or (
        evaluation.mode_of_pathogenicity if append_only else ""
    )
    evaluation.phenotypes = phenotypes
    evaluation.publications = publications
    evaluation.current_diagnostic = fields.current_diagnostic
    evaluation.clinically_relevant = fields.clinically_relevant
    evaluation.version = snapshot.version
    evaluation.last_updated = timezone.now()
    evaluation.save()
    if created:
        entity.evaluation.add(evaluation)
    comment = fields.comment.strip()
    if comment:
        evaluation.comments.add(Comment.objects.create(user=user, comment=comment, version=snapshot.version))

    log_activity(snapshot, user, review_text(entity, evaluation, comment), entity)
    return evaluation


def review_text(entity: Entity, evaluation: Evaluation, comment: str) -> str:
    """The activity line of a review."""
    parts = [
        f"{entity.label} was reviewed" + (f": {ReviewRating(evaluation.rating).label}." if evaluation.rating else ".")
    ]
    if evaluation.moi:
        parts.append(f"Mode of inheritance: {evaluation.moi}")
    if evaluation.phenotypes:
        parts.append("Phenotypes: " + "; ".join(evaluation.phenotypes))
    if evaluation.publications:
        parts.append("Publications: " + "; ".join(evaluation.publications))
    if comment:
        parts.append(f"Comment: {comment}")
    return "\n".join(parts)


def submit_review(snapshot: GenePanelSnapshot, entity: Entity, user: User, fields: ReviewFields) -> Evaluation:
    """An approved reviewer or a curator reviews an entity. No new version."""
    if not is_verified_reviewer(user):
        raise PermissionDenied("Only approved reviewers can review entities.")
    _validate(fields)
    with panel_change(snapshot, bump=False):
        return apply_review(snapshot, entity, user, fields)


def delete_review(snapshot: GenePanelSnapshot, entity: Entity, user: User, evaluation: Evaluation) -> None:
    """People may delete their own review, and nobody else's."""
    if evaluation.user_id != getattr(user, "pk", None):
        raise PermissionDenied("You can only delete your own review.")
    with panel_change(snapshot, bump=False):
        evaluation.comments.all().delete()
        evaluation.delete()
        log_activity(snapshot, user, f"{entity.label} review was deleted.", entity)
