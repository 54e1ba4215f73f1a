"""Files curators upload for background import. The files live in the media storage (S3)."""

from django.conf import settings
from django.db import models

from .base import TimeStampedModel


class Upload(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be imported"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Rejected"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    imported = models.BooleanField(default=False)
    import_log = models.TextField(blank=True, default="")
    # Every reason a file was rejected: [{"line": 3, "column": "Model_Of_Inheritance", "reason": "..."}]
    errors = models.JSONField(default=list, blank=True)
    # What the import changed, e.g. {"panels": {"12": "0.4"}, "entities": 250}
    summary = models.JSONField(default=dict, blank=True)

    kind: str = ""

    class Meta:
        abstract = True
        ordering = ["-created", "-id"]

    @property
    def file(self):
        raise NotImplementedError

    def is_finished(self) -> bool:
        return self.status != self.Status.PENDING


class UploadedGeneList(Upload):
    kind = "genes"
    gene_list = models.FileField(upload_to="genes/")

    @property
    def file(self):
        return self.gene_list


class UploadedPanelList(Upload):
    kind = "panel"
    panel_list = models.FileField(upload_to="panels/")

    @property
    def file(self):
        return self.panel_list


class UploadedReviewsList(Upload):
    kind = "reviews"
    reviews = models.FileField(upload_to="reviews/")

    @property
    def file(self):
        return self.reviews


#: The concrete upload models (``Upload`` has no table, no manager of its own).
UploadModel = type[UploadedGeneList] | type[UploadedPanelList] | type[UploadedReviewsList]

UPLOAD_MODELS: dict[str, UploadModel] = {m.kind: m for m in (UploadedGeneList, UploadedPanelList, UploadedReviewsList)}
