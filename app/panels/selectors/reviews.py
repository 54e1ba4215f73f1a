"""Reading reviews: of an entity (its page), by a user (their profile), of a panel (its reviewers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from accounts.models import User

from ..models import Comment, Evaluation, Evidence, GenePanelEntrySnapshot, GenePanelSnapshot, TrackRecord
from ..models.entities import Entity
from .entities import ENTITY_MODELS_IN_ORDER
from .panels import snapshot_ids_for_entities


@dataclass
class EntityPage:
    """What an entity's page shows of it: reviews (newest first), sources, history, comments, tags."""

    evaluations: list[Evaluation]
    evidence: list[Evidence]
    tracks: list[TrackRecord]
    curator_comments: list[Comment]
    tags: list[str]


def entity_page(entity: Entity) -> EntityPage:
    return EntityPage(
        evaluations=list(
            entity.evaluation.select_related("user", "user__reviewer")
            .prefetch_related("comments__user")
            .order_by("-created")
        ),
        evidence=list(entity.evidence.select_related("reviewer__user")),
        tracks=list(entity.track.select_related("user")),
        curator_comments=list(entity.comments.select_related("user")),
        tags=[t.name for t in entity.tags.all()],
    )


def review_of_entity(entity: Entity, evaluation_id: int) -> Evaluation | None:
    """A review of this entity, by its id."""
    return entity.evaluation.filter(pk=evaluation_id).first()


def entity_reviews(entity: Entity, *, with_comments: bool = False) -> QuerySet[Evaluation]:
    """An entity's reviews, newest first (the API's list); ``with_comments`` loads each one's
    comments and their authors too (two more queries for the whole page)."""
    reviews = entity.evaluation.order_by("-created", "-id")
    if with_comments:
        reviews = reviews.prefetch_related("comments__user")
    return reviews


def evaluations_of_user(user: User) -> list[dict[str, Any]]:
    """The reviews a user wrote, newest first, with where they are (profile page)."""
    rows = []
    for model in ENTITY_MODELS_IN_ORDER:
        name_field = "gene_core_id" if model is GenePanelEntrySnapshot else "name"
        through = model.evaluation.through
        entity = model._meta.model_name
        for link in through.objects.filter(evaluation__user=user).values(
            "evaluation__rating",
            "evaluation__version",
            "evaluation__modified",
            f"{entity}__{name_field}",
            f"{entity}__panel__panel_id",
            f"{entity}__panel__level4title__name",
        ):
            rows.append(
                {
                    "rating": link["evaluation__rating"],
                    "version": link["evaluation__version"],
                    "modified": link["evaluation__modified"],
                    "entity_type": str(model.entity_type),
                    "entity_name": link[f"{entity}__{name_field}"],
                    "panel_id": link[f"{entity}__panel__panel_id"],
                    "panel_name": link[f"{entity}__panel__level4title__name"],
                }
            )
    return sorted(rows, key=lambda r: r["modified"], reverse=True)


def reviewers_to_tell(snapshot: GenePanelSnapshot) -> QuerySet[User]:
    """The active users with an email address who reviewed an entity the panel shows."""
    ids = snapshot_ids_for_entities(snapshot)
    user_ids: set[int] = set()
    for model in ENTITY_MODELS_IN_ORDER:
        through = model.evaluation.through
        user_ids |= set(
            through.objects.filter(**{f"{model._meta.model_name}__panel_id__in": ids}).values_list(
                "evaluation__user_id", flat=True
            )
        )
    return (
        get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email__isnull=True).exclude(email="")
    )


def review_comment(entity: Entity, comment_id: int) -> tuple[Evaluation, Comment] | None:
    """A comment of one of this entity's reviews, with that review (None: no such comment here)."""
    evaluation = entity.evaluation.filter(comments__pk=comment_id).first()
    if evaluation is None:
        return None
    comment = evaluation.comments.select_related("user").filter(pk=comment_id).first()
    return None if comment is None else (evaluation, comment)
