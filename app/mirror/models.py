"""What the mirror remembers between runs: each source, and the state of each panel copied from it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MirrorSource(models.Model):
    """A PanelApp this installation mirrors, named by the base URL given to ``mirror --from``."""

    url = models.CharField(max_length=512, unique=True)
    #: Owns the mirrored reviews: API v1 does not say who wrote a review (one inactive account).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    last_synced = models.DateTimeField(null=True, blank=True)
    #: The summary of the last successful run (panels fetched, unchanged, withdrawn; requests).
    last_result = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.url


class MirroredPanel(models.Model):
    """One panel copied from a source, with what the source's lists said about it last time.

    A panel is fetched again only when one of these differs from the source's lists.
    """

    source = models.ForeignKey(MirrorSource, on_delete=models.CASCADE, related_name="panels")
    #: The panel's id here and at the source (they are the same).
    panel_id = models.PositiveIntegerField(unique=True)
    version = models.CharField(max_length=32)
    version_created = models.CharField(max_length=64)
    #: [[version, date], ...] of the panel's signed-off versions at the source, sorted.
    signed_off = models.JSONField(default=list, blank=True)
    #: The panel is no longer in the source's public list (kept here as retired or deleted).
    withdrawn = models.BooleanField(default=False)
    fetched = models.DateTimeField()

    class Meta:
        ordering = ["panel_id"]

    def __str__(self) -> str:
        return f"panel {self.panel_id} v{self.version} from {self.source_id}"
