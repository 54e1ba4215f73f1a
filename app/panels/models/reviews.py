"""What people say about an entity: sources (evidence), reviews, comments, tags and history."""

from django.conf import settings
from django.db import models

from ..vocab import MOI_CHOICES, MOP_CHOICES, ReviewRating
from .base import TimeStampedModel


class Tag(models.Model):
    name = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Evidence(TimeStampedModel):
    """A source for an entity. Expert-review sources fix the entity's rating."""

    name = models.CharField(max_length=255)
    rating = models.IntegerField(default=5)
    comment = models.TextField(blank=True, default="")
    reviewer = models.ForeignKey("accounts.Reviewer", null=True, blank=True, on_delete=models.SET_NULL)
    legacy_type = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def type(self) -> str | None:
        return self.reviewer.user_type if self.reviewer is not None else self.legacy_type

    def is_gel(self) -> bool:
        return self.type == "GEL"


class Comment(TimeStampedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    comment = models.TextField()
    flagged = models.BooleanField(default=False)
    last_updated = models.DateTimeField(null=True, blank=True)
    version = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)

    class Meta:
        ordering = ["-created", "-id"]


class Evaluation(TimeStampedModel):
    """One user's review of one entity (at most one per user per entity)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluations")
    rating = models.CharField(max_length=255, choices=ReviewRating.choices, blank=True, default="")
    mode_of_pathogenicity = models.CharField(max_length=255, choices=MOP_CHOICES, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    publications = models.JSONField(default=list, blank=True, null=True)
    phenotypes = models.JSONField(default=list, blank=True, null=True)
    moi = models.CharField(max_length=255, choices=MOI_CHOICES, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    current_diagnostic = models.BooleanField(default=False)
    clinically_relevant = models.BooleanField(null=True, blank=True)
    version = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    original_panel = models.CharField(max_length=255, blank=True, default="")
    comments = models.ManyToManyField(Comment, blank=True)
    last_updated = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]


class TrackRecord(TimeStampedModel):
    """One line of an entity's history (issue codes such as ``Created`` or ``SetPhenotypes``)."""

    class IssueType:
        CREATED = "Created"
        NEW_SOURCE = "NewSource"
        REMOVED_SOURCE = "RemovedSource"
        CLEAR_SOURCES = "ClearSources"
        SET_PHENOTYPES = "SetPhenotypes"
        SET_MOI = "SetModeofInheritance"
        SET_MOP = "SetModeofPathogenicity"
        SET_PENETRANCE = "SetPenetrance"
        SET_PUBLICATIONS = "SetPublications"
        SET_TRANSCRIPT = "SetTranscript"
        GENE_CLASSIFIED = "GeneClassifiedbyGenomicsEnglandCurator"
        ENTITY_CLASSIFIED = "EntityClassifiedbyGenomicsEnglandCurator"
        APPROVED_ENTITY = "ApprovedEntity"
        GEL_STATUS_UPDATE = "GelStatusUpdate"
        UPLOAD_GENE_INFORMATION = "UploadGeneInformation"
        ADDED_TAG = "AddedTag"
        REMOVED_TAG = "RemovedTag"
        CHANGED_NAME = "ChangedName"
        CHANGED_GENE_NAME = "ChangedGeneName"
        CHANGED_CHROMOSOME = "ChangedChromosome"
        CHANGED_POSITION_37 = "ChangedPosition37"
        CHANGED_POSITION_38 = "ChangedPosition38"
        CHANGED_NORMAL_REPEATS = "ChangedNormalRepeats"
        CHANGED_PATHOGENIC_REPEATS = "ChangedPathogenicRepeats"
        CHANGED_REPEATED_SEQUENCE = "ChangedRepeatedSequence"
        CHANGED_VARIANT_TYPE = "ChangedVariantType"
        CHANGED_HAPLOINSUFFICIENCY = "ChangedHaploinsufficiencyScore"
        CHANGED_TRIPLOSENSITIVITY = "ChangedTriplosensitivityScore"
        CHANGED_OVERLAP = "ChangedRequiredOverlapPercentage"
        REMOVED_GENE = "RemovedGene"

    issue_type = models.CharField(max_length=512)
    issue_description = models.TextField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    curator_status = models.IntegerField(default=0)
    gel_status = models.IntegerField(default=0)

    class Meta:
        ordering = ["-created", "-id"]
