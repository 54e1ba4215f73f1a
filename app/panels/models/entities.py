"""The three kinds of entity a panel holds: genes, STRs and regions."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db import models

from ..vocab import (
    CHROMOSOME_CHOICES,
    DOSAGE_SCORE_CHOICES,
    MOI_CHOICES,
    MOP_CHOICES,
    PENETRANCE_CHOICES,
    VARIANT_TYPE_CHOICES,
    EntityType,
)
from .base import TimeStampedModel
from .fields import OrderedJSONField
from .genes import Gene
from .panels import GenePanelSnapshot, attach_panel_object_data
from .reviews import Comment, Evaluation, Evidence, Tag, TrackRecord

_Entity = TypeVar("_Entity", bound="AbstractEntity")


class EntityQuerySet(models.QuerySet[_Entity, _Entity], Generic[_Entity]):
    """Entity querysets that can load every entity's source names and tags in two queries.

    ``with_sources_and_tags()`` sets ``evidence_names`` (newest first) and ``tag_names`` on each
    entity fetched; ``with_panel()`` also loads each entity's panel (snapshot, panel, title and
    panel types). Cheaper than prefetch_related, which builds a queryset per entity.
    """

    _attach = False
    _attach_panel_types = False

    def with_sources_and_tags(self) -> EntityQuerySet[_Entity]:
        clone = self.all()
        clone._attach = True
        return clone

    def with_panel(self) -> EntityQuerySet[_Entity]:
        clone = self.select_related("panel__panel", "panel__level4title")
        clone._attach_panel_types = True
        return clone

    def _clone(self) -> EntityQuerySet[_Entity]:
        clone: EntityQuerySet[_Entity] = super()._clone()  # type: ignore[misc]  # Django's private QuerySet API, not in django-stubs
        clone._attach = self._attach
        clone._attach_panel_types = self._attach_panel_types
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if not fresh:
            return
        entities = [e for e in self._result_cache or () if isinstance(e, self.model)]
        if self._attach and entities:
            attach_sources_and_tags(self.model, entities)
        if self._attach_panel_types and entities:
            attach_panel_object_data([e.panel for e in entities])


def attach_sources_and_tags(model: type[AbstractEntity], entities: list[Any]) -> None:
    column = f"{model._meta.model_name}_id"
    ids = [e.pk for e in entities]
    names: dict[int, list[str]] = {pk: [] for pk in ids}
    for entity_id, name in (
        model.evidence.through._default_manager.filter(**{f"{column}__in": ids})
        .order_by("-evidence__created", "-evidence_id")
        .values_list(column, "evidence__name")
    ):
        names[entity_id].append(name)
    tags: dict[int, list[str]] = {pk: [] for pk in ids}
    for entity_id, name in (
        model.tags.through._default_manager.filter(**{f"{column}__in": ids})
        .order_by("tag__name")
        .values_list(column, "tag__name")
    ):
        tags[entity_id].append(name)
    for entity in entities:
        entity.evidence_names = names[entity.pk]
        entity.tag_names = tags[entity.pk]


class AbstractEntity(TimeStampedModel):
    entity_type: str = ""

    panel = models.ForeignKey(GenePanelSnapshot, on_delete=models.CASCADE, related_name="%(class)s_set")
    # A copy of Gene.dict_tr() taken when the entity was added or its gene updated (API gene_data),
    # kept in its own key order (OrderedJSONField).
    gene = OrderedJSONField(null=True, blank=True)
    gene_core = models.ForeignKey(Gene, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="+")
    evaluation = models.ManyToManyField(Evaluation, blank=True, related_name="+")
    track = models.ManyToManyField(TrackRecord, blank=True, related_name="+")
    comments = models.ManyToManyField(Comment, blank=True, related_name="+")
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    moi = models.CharField("Mode of inheritance", choices=MOI_CHOICES, max_length=255, blank=True, default="")
    penetrance = models.CharField(choices=PENETRANCE_CHOICES, max_length=255, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    publications = models.JSONField(default=list, blank=True, null=True)
    phenotypes = models.JSONField(default=list, blank=True, null=True)
    mode_of_pathogenicity = models.CharField(choices=MOP_CHOICES, max_length=255, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    flagged = models.BooleanField(default=False)
    ready = models.BooleanField(default=False)
    saved_gel_status = models.IntegerField(null=True, default=0, db_index=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        raise NotImplementedError

    @property
    def label(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.label


class GenePanelEntrySnapshot(AbstractEntity):
    """A gene on a panel."""

    entity_type = EntityType.GENE

    transcript = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = "gene entity"
        verbose_name_plural = "gene entities"
        constraints = [models.UniqueConstraint(fields=["panel", "gene_core"], name="unique_gene_per_panel")]
        indexes = [models.Index(fields=["gene_core", "panel"], name="gene_entity_symbol_idx")]

    @property
    def name(self) -> str:
        return self.gene_core_id or ""  # every gene entity has its gene

    @property
    def label(self) -> str:
        return f"gene: {self.name}"


class Coordinates:
    """The API's coordinate pairs from the position columns; shared by the models and the plain
    rows of the read paths (panels.entity_rows)."""

    position_37_start: int | None
    position_37_end: int | None
    position_38_start: int
    position_38_end: int

    @property
    def grch37_coordinates(self):
        if self.position_37_start is None or self.position_37_end is None:
            return None
        return [self.position_37_start, self.position_37_end]

    @property
    def grch38_coordinates(self):
        return [self.position_38_start, self.position_38_end]


class _LocatedEntity(Coordinates, AbstractEntity):
    """STRs and regions: named, placed on a chromosome with GRCh37/GRCh38 coordinates."""

    name = models.CharField(max_length=128)
    chromosome = models.CharField(max_length=8, choices=CHROMOSOME_CHOICES)
    # Stored as entered and echoed as [start, end] (PanelApp keeps Postgres ranges; these stay portable).
    position_37_start = models.IntegerField(null=True, blank=True)
    position_37_end = models.IntegerField(null=True, blank=True)
    position_38_start = models.IntegerField()
    position_38_end = models.IntegerField()

    class Meta:
        abstract = True


class STR(_LocatedEntity):
    """A short tandem repeat on a panel."""

    entity_type = EntityType.STR

    repeated_sequence = models.CharField(max_length=128)
    normal_repeats = models.IntegerField(help_text="≤ maximum normal number of repeats")
    pathogenic_repeats = models.IntegerField(help_text="≥ minimum fully penetrant pathogenic number of repeats")

    class Meta:
        verbose_name = "STR"
        constraints = [models.UniqueConstraint(fields=["panel", "name"], name="unique_str_per_panel")]
        indexes = [models.Index(fields=["name", "panel"], name="str_name_idx")]

    @property
    def label(self) -> str:
        return f"STR: {self.name}"


class Region(_LocatedEntity):
    """A genomic region (typically a CNV) on a panel."""

    entity_type = EntityType.REGION

    verbose_name = models.CharField(max_length=256, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    haploinsufficiency_score = models.CharField(max_length=2, choices=DOSAGE_SCORE_CHOICES, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    triplosensitivity_score = models.CharField(max_length=2, choices=DOSAGE_SCORE_CHOICES, blank=True, null=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    required_overlap_percentage = models.IntegerField(default=0)
    type_of_variants = models.CharField(max_length=128, choices=VARIANT_TYPE_CHOICES, default="small")

    class Meta:
        verbose_name = "region"
        constraints = [models.UniqueConstraint(fields=["panel", "name"], name="unique_region_per_panel")]
        indexes = [models.Index(fields=["name", "panel"], name="region_name_idx")]

    @property
    def label(self) -> str:
        return f"Region: {self.name}"


#: An entity of any kind, and the concrete entity models (``AbstractEntity`` has no table, no
#: manager of its own).
Entity = GenePanelEntrySnapshot | STR | Region
EntityModel = type[GenePanelEntrySnapshot] | type[STR] | type[Region]

ENTITY_MODELS: dict[EntityType, EntityModel] = {
    EntityType.GENE: GenePanelEntrySnapshot,
    EntityType.STR: STR,
    EntityType.REGION: Region,
}
