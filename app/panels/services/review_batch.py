"""Many reviews at once, for the reviews TSV upload.

``ReviewBatch`` applies ``reviews.apply_review(append_only=True)`` to every row, in file order and
with the same rules and texts, but reads the existing reviews in one query and writes with bulk
inserts and updates. It runs inside the caller's transaction, after ``versioning.bump_panels``.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User

from ..bulk_sql import bulk_update
from ..models import Activity, Comment, Evaluation, GenePanelEntrySnapshot, GenePanelSnapshot
from ..models.entities import Entity
from ..models.panels import clean_list
from .activity import activity_line
from .reviews import ReviewFields, review_text

BATCH = 1000
_THROUGH = GenePanelEntrySnapshot.evaluation.through


class ReviewBatch:
    def __init__(self, pairs: list[tuple[GenePanelEntrySnapshot, User]]):
        """``pairs``: every ``(entity, user)`` the file reviews, so existing reviews are read up front."""
        self.now = timezone.now()
        entity_ids = {entity.pk for entity, _ in pairs}
        user_ids = {user.pk for _, user in pairs}
        links = dict(
            _THROUGH.objects.filter(
                genepanelentrysnapshot_id__in=entity_ids, evaluation__user_id__in=user_ids
            ).values_list("evaluation_id", "genepanelentrysnapshot_id")
        )
        self.reviews: dict[tuple[int, int], Evaluation] = {}
        # Oldest first, so the newest review of a user wins, as ``user_review`` picks it.
        for evaluation in Evaluation.objects.filter(pk__in=list(links)).order_by("created", "id"):
            self.reviews[(links[evaluation.pk], evaluation.user_id)] = evaluation
        self.new: list[tuple[int, Evaluation]] = []
        self.changed: dict[int, Evaluation] = {}
        self.comments: list[tuple[Evaluation, Comment]] = []
        self.activities: list[Activity] = []

    def apply(self, snapshot: GenePanelSnapshot, entity: Entity, user: User, fields: ReviewFields) -> None:
        key = (entity.pk, user.pk)
        existing = self.reviews.get(key)
        created = existing is None
        if existing is None:
            evaluation = Evaluation(user=user)
            self.reviews[key] = evaluation
            self.new.append((entity.pk, evaluation))
        else:
            evaluation = existing
            if evaluation.pk is not None:
                self.changed[evaluation.pk] = evaluation
        phenotypes, publications = clean_list(fields.phenotypes), clean_list(fields.publications)
        if not created:
            phenotypes = list(dict.fromkeys(list(evaluation.phenotypes or []) + phenotypes))
            publications = list(dict.fromkeys(list(evaluation.publications or []) + publications))
        evaluation.rating = fields.rating or evaluation.rating
        evaluation.moi = fields.moi or evaluation.moi
        evaluation.mode_of_pathogenicity = fields.mode_of_pathogenicity or evaluation.mode_of_pathogenicity
        evaluation.phenotypes = phenotypes
        evaluation.publications = publications
        evaluation.current_diagnostic = fields.current_diagnostic
        evaluation.clinically_relevant = fields.clinically_relevant
        evaluation.version = snapshot.version
        evaluation.last_updated = evaluation.modified = self.now
        comment = fields.comment.strip()
        if comment:
            self.comments.append((evaluation, Comment(user=user, comment=comment, version=snapshot.version)))
        self.activities.append(activity_line(snapshot, user, review_text(entity, evaluation, comment), entity))

    def save(self) -> None:
        Evaluation.objects.bulk_create([e for _, e in self.new], batch_size=BATCH)
        bulk_update(
            Evaluation,
            list(self.changed.values()),
            [
                "rating",
                "moi",
                "mode_of_pathogenicity",
                "phenotypes",
                "publications",
                "current_diagnostic",
                "clinically_relevant",
                "version",
                "last_updated",
                "modified",
            ],
            batch_size=BATCH,
        )
        _THROUGH.objects.bulk_create(
            [_THROUGH(genepanelentrysnapshot_id=entity_id, evaluation_id=e.pk) for entity_id, e in self.new],
            batch_size=BATCH,
        )
        Comment.objects.bulk_create([c for _, c in self.comments], batch_size=BATCH)
        links = Evaluation.comments.through
        links.objects.bulk_create(
            [links(evaluation_id=e.pk, comment_id=c.pk) for e, c in self.comments], batch_size=BATCH
        )
        Activity.objects.bulk_create(self.activities, batch_size=BATCH)
