"""Adding and updating many entities at once, for the panel TSV upload.

``EntityBatch`` does what ``apply_new_entity`` and ``apply_entity_update(append_only=True)`` do
row by row, with the same rules, texts and results, but reads everything it needs in a few
set-based queries first, works in memory (a row may change an entity an earlier row of the same
file added), and writes with bulk inserts and updates at the end. It runs inside the caller's
transaction, after ``versioning.bump_panels``: the history lines carry the new version.

Uploaded rows carry no tags and no review of their own, so neither is handled here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import models
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_curator

from ..bulk_sql import bulk_update
from ..models import ENTITY_MODELS, Activity, Evidence, Gene, GenePanelEntrySnapshot, GenePanelSnapshot, TrackRecord
from ..models.entities import Entity, EntityModel
from ..models.panels import clean_list
from ..vocab import EXPERT_REVIEW_SOURCES, MITOCHONDRIAL, EntityType
from .activity import activity_line
from .entities import (
    EntityFields,
    Issue,
    _entity_attrs,
    added_text,
    rating_changed,
    status_from_sources,
    track_record,
    update_entity_attributes,
)

BATCH = 1000


@dataclass
class _Source:
    """One of an entity's sources as ``evidence_status`` sees it."""

    name: str
    rating: int
    gel: bool
    pk: int | None = None  # stored evidence
    new: Evidence | None = None  # evidence this batch adds


@dataclass
class _Draft:
    entity: Entity
    snapshot: GenePanelSnapshot
    is_new: bool
    sources: list[_Source] = field(default_factory=list)  # oldest first
    changed: bool = False
    tracks: list[TrackRecord] = field(default_factory=list)

    def status(self) -> int:
        return status_from_sources(self.entity.flagged, [(s.name, s.rating) for s in reversed(self.sources) if s.gel])


def _name_field(model: EntityModel) -> str:
    return "gene_core_id" if model is GenePanelEntrySnapshot else "name"


class EntityBatch:
    def __init__(self, user: User, wanted: list[tuple[GenePanelSnapshot, str, EntityFields]]):
        """``wanted``: every ``(panel, entity type, fields)`` the file names, so that the entities,
        their sources and the genes are read up front."""
        self.user = user
        self.curator = is_curator(user)
        reviewer = getattr(user, "reviewer", None)
        self.reviewer = reviewer
        self.uploader_is_gel = bool(reviewer and reviewer.user_type == "GEL")
        self.now = timezone.now()
        self.drafts: dict[tuple[int, str, str], _Draft] = {}
        self.order: list[_Draft] = []
        self.activities: list[tuple[_Draft, Activity]] = []
        self.deleted_evidence: set[int] = set()
        symbols = {f.gene_symbol.strip() for _, _, f in wanted if f.gene_symbol.strip()}
        self.genes = {g.gene_symbol: g for g in Gene.objects.active().filter(gene_symbol__in=symbols)}
        self._load_existing(wanted)

    def _load_existing(self, wanted: list[tuple[GenePanelSnapshot, str, EntityFields]]) -> None:
        by_type: dict[str, tuple[set[int], set[str]]] = {}
        snapshots: dict[int, GenePanelSnapshot] = {}
        for snapshot, entity_type, fields in wanted:
            panels, names = by_type.setdefault(str(entity_type), (set(), set()))
            panels.add(snapshot.pk)
            names.add(fields.gene_symbol if entity_type == EntityType.GENE else fields.name)
            snapshots[snapshot.pk] = snapshot
        for entity_type, (panels, names) in by_type.items():
            model = ENTITY_MODELS[EntityType(entity_type)]
            name_field = _name_field(model)
            found: list[Entity] = list(model.objects.filter(panel_id__in=panels, **{f"{name_field}__in": names}))
            if not found:
                continue
            drafts: dict[int, _Draft] = {}
            for entity in found:
                draft = _Draft(entity=entity, snapshot=snapshots[entity.panel_id], is_new=False)
                self.drafts[(entity.panel_id, entity_type, entity.name)] = draft
                drafts[entity.pk] = draft
            column = f"{model._meta.model_name}_id"
            for entity_id, pk, name, rating, reviewer_id, user_type, legacy_type in (
                model.evidence.through._default_manager.filter(**{f"{column}__in": list(drafts)})
                .order_by("evidence__created", "evidence_id")
                .values_list(
                    column,
                    "evidence_id",
                    "evidence__name",
                    "evidence__rating",
                    "evidence__reviewer_id",
                    "evidence__reviewer__user_type",
                    "evidence__legacy_type",
                )
            ):
                kind = user_type if reviewer_id is not None else legacy_type
                drafts[entity_id].sources.append(_Source(name, rating, kind == "GEL", pk=pk))

    # --- the rules, row by row, in memory ---------------------------------------------------------

    def apply(self, snapshot: GenePanelSnapshot, entity_type: str, fields: EntityFields, flagged: bool) -> bool:
        """One row: add the entity or update it (append only). Returns True if it was added."""
        entity_type = str(entity_type)
        name = fields.gene_symbol if entity_type == EntityType.GENE else fields.name
        existing = self.drafts.get((snapshot.pk, entity_type, name))
        added = existing is None
        if existing is None:
            # As PanelApp's upload: a new entity is flagged when the uploader is no curator,
            # whatever its Flagged column says.
            draft = self._add(snapshot, entity_type, fields)
        else:
            draft = existing
            self._update(draft, entity_type, fields)
            # An entity already on the panel takes the Flagged column's value, True or False
            # (False approves a flagged one; it is then rated from its sources again).
            if draft.entity.flagged != flagged:
                draft.entity.flagged = flagged
                draft.entity.saved_gel_status = draft.status()
                draft.changed = True
        return added

    def _add(self, snapshot: GenePanelSnapshot, entity_type: str, fields: EntityFields) -> _Draft:
        model = ENTITY_MODELS[EntityType(entity_type)]
        attrs = _entity_attrs(entity_type, fields)
        gene = self.genes.get(fields.gene_symbol.strip())
        if gene is not None:
            attrs["gene_core"] = gene
            attrs["gene"] = gene.dict_tr()
            if entity_type == EntityType.GENE and gene.gene_symbol.startswith("MT-"):
                attrs["moi"] = MITOCHONDRIAL
        entity = model(panel=snapshot, flagged=not self.curator, saved_gel_status=0, **attrs)
        entity.created = entity.modified = self.now
        draft = _Draft(entity=entity, snapshot=snapshot, is_new=True, changed=True)
        self.drafts[(snapshot.pk, entity_type, entity.name)] = draft
        self.order.append(draft)
        sources = self._add_sources(draft, fields.sources)
        entity.saved_gel_status = draft.status()
        self._record(draft, [(Issue.CREATED, added_text(snapshot, entity, fields, sources, self.curator))])
        return draft

    def _update(self, draft: _Draft, entity_type: str, fields: EntityFields) -> None:
        entity = draft.entity
        if not draft.is_new and not draft.changed:
            self.order.append(draft)
        draft.changed = True  # the row saves the entity (its ``modified``) even when nothing differs
        issues = update_entity_attributes(entity, entity_type, fields, append_only=True, find_gene=self.genes.get)
        for name in self._add_sources(draft, clean_list(fields.sources)):
            issues.append((Issue.NEW_SOURCE, f"Source {name} was added to {entity.label}."))
        if not issues:
            return
        old = entity.saved_gel_status or 0
        entity.saved_gel_status = draft.status()
        if old != entity.saved_gel_status:
            issues.append(rating_changed(old, entity.saved_gel_status))
        self._record(draft, issues)

    def _add_sources(self, draft: _Draft, sources: list[str]) -> list[str]:
        """One row's sources, as PanelApp's upload adds them: the names the entity does not have
        yet, in the row's order. If any of them is an expert review, the entity's earlier expert
        reviews go first; every expert review of the row is kept (the rating follows the newest,
        so the last one written: ``status_from_sources``)."""
        existing = {s.name for s in draft.sources}
        new = [source for source in dict.fromkeys(clean_list(sources)) if source not in existing]
        if any(source in EXPERT_REVIEW_SOURCES for source in new):
            kept = []
            for old in draft.sources:
                if old.name not in EXPERT_REVIEW_SOURCES:
                    kept.append(old)
                elif old.pk is not None:
                    self.deleted_evidence.add(old.pk)
            draft.sources = kept
        for source in new:
            evidence = Evidence(name=source, rating=5, reviewer=self.reviewer)
            draft.sources.append(_Source(source, 5, self.uploader_is_gel, new=evidence))
        return new

    def _record(self, draft: _Draft, issues: list[tuple[str, str]]) -> None:
        track = track_record(self.user, issues, draft.entity.saved_gel_status or 0)
        draft.tracks.append(track)
        self.activities.append((draft, activity_line(draft.snapshot, self.user, track.issue_description, draft.entity)))

    # --- writing ----------------------------------------------------------------------------------

    def save(self) -> None:
        """Write every change: a fixed number of bulk statements per entity type."""
        for model in _models_of(self.order):
            drafts = [d for d in self.order if type(d.entity) is model]
            _bulk_create(model, [d.entity for d in drafts if d.is_new])
            stored = [d.entity for d in drafts if not d.is_new]
            for entity in stored:
                entity.modified = self.now
            fields = [
                f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in ("panel", "created")
            ]
            bulk_update(model, stored, fields, batch_size=BATCH)
        if self.deleted_evidence:
            Evidence.objects.filter(pk__in=self.deleted_evidence).delete()
        new_evidence = [(d, s.new) for d in self.order for s in d.sources if s.new is not None]
        Evidence.objects.bulk_create([e for _, e in new_evidence], batch_size=BATCH)
        tracks = [(d, t) for d in self.order for t in d.tracks]
        TrackRecord.objects.bulk_create([t for _, t in tracks], batch_size=BATCH)
        for model in _models_of(self.order):
            column = f"{model._meta.model_name}_id"
            evidence_links = [
                model.evidence.through(**{column: d.entity.pk, "evidence_id": e.pk})
                for d, e in new_evidence
                if type(d.entity) is model
            ]
            _bulk_create(model.evidence.through, evidence_links)
            track_links = [
                model.track.through(**{column: d.entity.pk, "trackrecord_id": t.pk})
                for d, t in tracks
                if type(d.entity) is model
            ]
            _bulk_create(model.track.through, track_links)
        Activity.objects.bulk_create([a for _, a in self.activities], batch_size=BATCH)


def _models_of(drafts: list[_Draft]) -> list[EntityModel]:
    """The entity models of these drafts, each once (genes, STRs, regions: the order they come)."""
    return list(dict.fromkeys(type(d.entity) for d in drafts))


_Row = TypeVar("_Row", bound=models.Model)


def _bulk_create(model: type[_Row], rows: Sequence[_Row]) -> None:
    """``bulk_create`` for a model chosen at run time (one of the entity models, or their links)."""
    model._default_manager.bulk_create(rows, batch_size=BATCH)
