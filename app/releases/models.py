"""A release: a named batch of panels, each to be signed off (and first promoted, if chosen),
deployed together in one transaction; its deployment keeps the record of what changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from panels.models import GenePanel, HistoricalSnapshot


class Release(models.Model):
    name = models.CharField(max_length=255, unique=True)
    #: A template: ``{{ version }}`` (the promoted version) and ``{{ now.yyyy_mm_dd_hh_mm }}``.
    promotion_comment = models.TextField(blank=True, default="")
    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("releases:detail", args=[self.pk])


class ReleasePanel(models.Model):
    """One panel of a release: signed off, and promoted first when ``promote``."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="release_panels")
    panel = models.ForeignKey(GenePanel, on_delete=models.CASCADE, related_name="+")
    promote = models.BooleanField(default=False)

    class Meta:
        ordering = ["panel_id"]
        constraints = [models.UniqueConstraint(fields=["release", "panel"], name="unique_release_panel")]

    def __str__(self) -> str:
        return f"{self.release_id}: panel {self.panel_id}"


class ReleaseDeployment(models.Model):
    """The one deployment of a release: queued by a curator, run by the Celery task."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        DONE = "done", "Deployed"
        FAILED = "failed", "Failed"

    release = models.OneToOneField(Release, on_delete=models.CASCADE, related_name="deployment")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    start = models.DateTimeField(default=timezone.now)
    end = models.DateTimeField(null=True, blank=True)
    #: Why a failed deployment failed (nothing was changed).
    error = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"{self.release_id}: {self.state}"


class ReleasePanelDeployment(models.Model):
    """What a deployment did to one panel: versions, sign-offs and version comments before and after."""

    deployment = models.ForeignKey(ReleaseDeployment, on_delete=models.CASCADE, related_name="panels")
    release_panel = models.OneToOneField(ReleasePanel, on_delete=models.CASCADE, related_name="deployed")
    panel = models.ForeignKey(GenePanel, on_delete=models.CASCADE, related_name="+")
    promoted = models.BooleanField()
    version_before = models.CharField(max_length=24)
    #: The version signed off (the promoted one when promoted).
    signed_off_version = models.CharField(max_length=24)
    #: The live version once deployed (the signed-off version's next minor).
    version_after = models.CharField(max_length=24)
    signed_off_before = models.CharField(max_length=24, blank=True, default="")
    comment_before = models.TextField(blank=True, default="")
    comment_after = models.TextField(blank=True, default="")
    before = models.ForeignKey(HistoricalSnapshot, null=True, on_delete=models.SET_NULL, related_name="+")
    after = models.ForeignKey(HistoricalSnapshot, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["panel_id"]

    def __str__(self) -> str:
        return f"panel {self.panel_id}: {self.version_before} -> {self.version_after}"
