from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models

from accounts.models import User
from accounts.roles import is_curator

from ..vocab import VISIBLE_STATUSES
from .base import TimeStampedModel
from .panels import GenePanel


class ActivityQuerySet(models.QuerySet["Activity"]):
    def visible_to(self, user: User | AnonymousUser | None) -> ActivityQuerySet:
        """Curators see everything; everyone else only the activity of public panels."""
        if is_curator(user):
            return self
        return self.filter(panel__status__in=VISIBLE_STATUSES)


class Activity(TimeStampedModel):
    """One line of the public activity feed.

    ``extra_data`` keeps the panel name, version and user name as they were at the time, so the
    feed still reads correctly after renames and further versions.
    """

    class ItemType(models.TextChoices):
        PANEL = "panel"
        ENTITY = "entity"

    panel = models.ForeignKey(GenePanel, null=True, blank=True, on_delete=models.CASCADE, related_name="activities")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    text = models.TextField()
    item_type = models.CharField(max_length=16, choices=ItemType.choices, default=ItemType.PANEL)
    entity_type = models.CharField(max_length=16, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    entity_name = models.CharField(max_length=255, blank=True, null=True, db_index=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    extra_data = models.JSONField(default=dict, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["-created", "-id"], name="activity_newest_idx")]

    def __str__(self) -> str:
        return self.text
