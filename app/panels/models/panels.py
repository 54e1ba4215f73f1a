from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from ..versions import Version
from ..vocab import VISIBLE_STATUSES, PanelStatus
from .base import TimeStampedModel
from .fields import OrderedJSONField

# Separator for the searchable copy of a panel's relevant disorders (never typed by users).
DISORDER_KEY_SEPARATOR = "\x1f"


class MajorMinorVersion:
    """`version` ("1.12") and `version_tuple` for a model with major_version and minor_version fields."""

    major_version: int
    minor_version: int

    @property
    def version(self) -> str:
        return f"{self.major_version}.{self.minor_version}"

    @property
    def version_tuple(self) -> Version:
        return Version(self.major_version, self.minor_version)


class PanelType(models.Model):
    name = models.CharField(max_length=128, unique=True)
    slug = models.SlugField(max_length=128, unique=True)
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class Level4Title(models.Model):
    """A panel's descriptive metadata. A new row is written whenever any of it changes."""

    name = models.CharField(max_length=255, db_index=True)
    description = models.TextField(blank=True, default="")
    level3title = models.CharField(max_length=255, blank=True, default="")
    level2title = models.CharField(max_length=255, blank=True, default="")
    omim = models.JSONField(default=list, blank=True)
    orphanet = models.JSONField(default=list, blank=True)
    hpo = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.name

    def as_tuple(self) -> tuple:
        return (
            self.name,
            self.description,
            self.level3title,
            self.level2title,
            list(self.omim),
            list(self.orphanet),
            list(self.hpo),
        )


def attach_panel_types(panels) -> None:
    """Give each GenePanel instance a ``type_list`` of its types, in one query.

    Django's prefetch_related does the same but costs a queryset per instance, which dominates
    pages listing hundreds of panels or entities. Several instances of one panel (one per entity
    loaded with select_related) share the list.
    """
    panels = [p for p in panels if not hasattr(p, "type_list")]
    if not panels:
        return
    by_panel: dict[int, list] = {p.pk: [] for p in panels}
    # In the panel's own order (the order they were given in), as PanelApp lists them.
    rows = (
        GenePanel.types.through.objects.filter(genepanel_id__in=list(by_panel))
        .order_by("id")
        .values_list("genepanel_id", "paneltype__name", "paneltype__slug", "paneltype__description")
    )
    for panel_id, name, slug, description in rows:
        by_panel[panel_id].append(PanelType(name=name, slug=slug, description=description))
    for panel in panels:
        panel.type_list = by_panel[panel.pk]


def panel_types_in_order(panel: GenePanel) -> list[PanelType]:
    """A panel's types in its own order (``attach_panel_types`` for one panel)."""
    if hasattr(panel, "type_list"):
        return list(panel.type_list)
    links = GenePanel.types.through.objects.filter(genepanel_id=panel.pk).select_related("paneltype").order_by("id")
    return [link.paneltype for link in links]


def attach_panel_object_data(snapshots) -> None:
    """What the Panel JSON object needs beyond its rows, for many snapshots in two queries: the
    panels' types (``attach_panel_types``) and each snapshot's ``child_panel_id_list`` (the
    public ids of its child panels, in the order they were added)."""
    snapshots = [s for s in snapshots if s is not None]
    attach_panel_types([s.panel for s in snapshots])
    # Several instances of one snapshot (one per entity loaded with select_related) share the list.
    missing: dict[int, list[GenePanelSnapshot]] = {}
    for snapshot in snapshots:
        if not hasattr(snapshot, "child_panel_id_list"):
            missing.setdefault(snapshot.pk, []).append(snapshot)
    if not missing:
        return
    children: dict[int, list[int]] = {pk: [] for pk in missing}
    rows = (
        GenePanelSnapshot.child_panels.through.objects.filter(from_genepanelsnapshot_id__in=list(missing))
        .order_by("id")
        .values_list("from_genepanelsnapshot_id", "to_genepanelsnapshot__panel_id")
    )
    for parent_id, child_panel_id in rows:
        children[parent_id].append(child_panel_id)
    for pk, instances in missing.items():
        for snapshot in instances:
            snapshot.child_panel_id_list = children[pk]
            snapshot._is_super_panel = bool(children[pk])


def child_panel_ids(snapshot: GenePanelSnapshot) -> list[int]:
    """The public ids of a snapshot's child panels (``attach_panel_object_data`` for one)."""
    if not hasattr(snapshot, "child_panel_id_list"):
        attach_panel_object_data([snapshot])
    return list(snapshot.child_panel_id_list)


class GenePanelQuerySet(models.QuerySet["GenePanel"]):
    def visible(self) -> GenePanelQuerySet:
        return self.filter(status__in=VISIBLE_STATUSES)


class GenePanel(TimeStampedModel):
    """The stable identity of a panel; its id is the public panel id."""

    old_pk = models.CharField(max_length=24, null=True, blank=True, db_index=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    name = models.CharField(max_length=255, db_index=True)
    status = models.CharField(max_length=36, choices=PanelStatus.choices, default=PanelStatus.INTERNAL, db_index=True)
    types = models.ManyToManyField(PanelType, blank=True, related_name="panels")
    signed_off = models.ForeignKey(
        "panels.HistoricalSnapshot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = GenePanelQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name

    def is_visible(self) -> bool:
        return self.status in VISIBLE_STATUSES

    def get_absolute_url(self) -> str:
        return reverse("panels:detail", args=[self.pk])


class GenePanelSnapshotQuerySet(models.QuerySet["GenePanelSnapshot"]):
    _attach_types = False

    def with_panel(self) -> GenePanelSnapshotQuerySet:
        """Everything the Panel JSON object needs, in a fixed number of queries."""
        clone = self.select_related("panel", "level4title")
        clone._attach_types = True
        return clone

    def _clone(self) -> GenePanelSnapshotQuerySet:
        clone: GenePanelSnapshotQuerySet = super()._clone()  # type: ignore[misc]  # Django's private QuerySet API, not in django-stubs
        clone._attach_types = self._attach_types
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._attach_types:
            attach_panel_object_data([s for s in self._result_cache or () if isinstance(s, GenePanelSnapshot)])

    def visible(self) -> GenePanelSnapshotQuerySet:
        return self.filter(panel__status__in=VISIBLE_STATUSES)

    def ordered_by_name(self) -> GenePanelSnapshotQuerySet:
        return self.order_by("level4title__name", "-major_version", "-minor_version", "panel_id")


class GenePanelSnapshot(MajorMinorVersion, TimeStampedModel):
    """The live state of a panel: metadata, version and the entities it owns.

    There is exactly one row per panel, changed in place; every earlier version is kept only as
    JSON in ``HistoricalSnapshot``.
    """

    panel = models.OneToOneField(GenePanel, on_delete=models.CASCADE, related_name="snapshot")
    level4title = models.ForeignKey(Level4Title, on_delete=models.PROTECT)
    major_version = models.PositiveIntegerField(default=0)
    minor_version = models.PositiveIntegerField(default=0)
    version_comment = models.TextField(null=True, blank=True)  # noqa: DJ001 - as in PanelApp: NULL and "" differ (the API answers null)
    old_panels = models.JSONField(default=list, blank=True)  # API "relevant_disorders"
    # Searchable copy of old_panels ("\x1fR45\x1fR46\x1f"): JSON containment is PostgreSQL-only.
    relevant_disorders_key = models.TextField(blank=True, default="", editable=False)
    child_panels = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="parent_panels")
    stats = models.JSONField(default=dict, blank=True)

    objects = GenePanelSnapshotQuerySet.as_manager()

    #: The public ids of the child panels, once loaded (``attach_panel_object_data``).
    child_panel_id_list: list[int]

    def __str__(self) -> str:
        return f"{self.level4title.name} v{self.version}"

    @property
    def name(self) -> str:
        return self.level4title.name

    @property
    def relevant_disorders(self) -> list[str]:
        return clean_list(self.old_panels)

    def save(self, *args, **kwargs):
        self.relevant_disorders_key = disorders_key(self.old_panels)
        super().save(*args, **kwargs)

    def is_super_panel(self) -> bool:
        """Super panels own no entities; theirs are the entities of their child panels."""
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        if prefetched.get("child_panels") is not None:
            return bool(prefetched["child_panels"])
        if not hasattr(self, "_is_super_panel"):
            self._is_super_panel = self.child_panels.exists()
        return self._is_super_panel


def clean_list(values) -> list[str]:
    """Blank items removed and each value stripped, as the API presents string arrays."""
    return [str(v).strip() for v in (values or []) if v is not None and str(v).strip()]


def disorders_key(values) -> str:
    items = clean_list(values)
    return DISORDER_KEY_SEPARATOR + DISORDER_KEY_SEPARATOR.join(items) + DISORDER_KEY_SEPARATOR if items else ""


class HistoricalSnapshot(MajorMinorVersion, models.Model):
    """A frozen earlier version of a panel: the API panel-detail JSON at that version."""

    panel = models.ForeignKey(GenePanel, on_delete=models.PROTECT, related_name="historical_snapshots")
    major_version = models.PositiveIntegerField()
    minor_version = models.PositiveIntegerField()
    reason = models.TextField(blank=True, default="")
    schema_version = models.CharField(max_length=32, blank=True, default="")
    # In the live answer's key order (OrderedJSONField), so an old version reads as it was served.
    data = OrderedJSONField()
    signed_off_date = models.DateField(null=True, blank=True, db_index=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-major_version", "-minor_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "major_version", "minor_version"], name="unique_panel_version_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.panel_id} v{self.version}"


class PanelAnswer(models.Model):
    """A panel's API detail JSON as built for one revision (``panels.cache.revision``).

    Written right after each change commits (``panels.answers``), so that every web worker, whose
    own cache is empty for the new revision, reads the answer in one query instead of building it.
    One row per panel and variant: a new revision replaces the old answer.
    """

    snapshot = models.ForeignKey(GenePanelSnapshot, on_delete=models.CASCADE, related_name="+")
    variant = models.CharField(max_length=32)
    revision = models.CharField(max_length=96)
    body = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "variant"], name="unique_panel_answer")]

    def __str__(self) -> str:
        return f"{self.variant} of snapshot {self.snapshot_id} at {self.revision}"
