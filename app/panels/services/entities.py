"""Adding, editing and curating the genes, STRs and regions of a panel.

Public functions check roles and wrap the change in ``panel_change`` (one transaction, the
version rules). The ``apply_*`` functions do the work without either, for callers that already
run inside a ``panel_change`` frame, such as the file imports (one bump per panel per upload).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_curator, is_verified_reviewer

from ..exceptions import IsSuperPanelException
from ..models import (
    ENTITY_MODELS,
    STR,
    Comment,
    Evaluation,
    Evidence,
    Gene,
    GenePanelEntrySnapshot,
    GenePanelSnapshot,
    Region,
    Tag,
    TrackRecord,
)
from ..models.entities import Entity
from ..models.panels import clean_list
from ..names import name_problems
from ..vocab import (
    CHROMOSOMES,
    DOSAGE_SCORE_VALUES,
    EXPERT_REVIEW_FOR_STATUS,
    EXPERT_REVIEW_SOURCES,
    HIGH_CONFIDENCE_SOURCES,
    MITOCHONDRIAL,
    MOI_VALUES,
    MOP_VALUES,
    PENETRANCE_VALUES,
    VARIANT_TYPE_VALUES,
    EntityType,
    GelStatus,
    ReviewRating,
)
from .activity import log_activity
from .versioning import panel_change

Issue = TrackRecord.IssueType

STATUS_DESCRIPTIONS: dict[int, str] = {
    GelStatus.GREEN: "Green List (high evidence)",
    GelStatus.AMBER: "Amber List (moderate evidence)",
    GelStatus.RED: "Red List (low evidence)",
    GelStatus.NO_LIST: "No List (delete)",
}


@dataclass
class EntityFields:
    """What a person says about an entity when adding or editing it.

    For genes ``name`` is the gene symbol. STRs and regions may name an associated gene in
    ``gene_symbol``. ``rating``/``comment``/``current_diagnostic`` are the adder's own review.
    """

    name: str = ""
    gene_symbol: str = ""
    sources: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    publications: list[str] = field(default_factory=list)
    phenotypes: list[str] = field(default_factory=list)
    moi: str = ""
    penetrance: str | None = None
    mode_of_pathogenicity: str | None = ""
    transcript: list[str] = field(default_factory=list)
    chromosome: str = ""
    position_37: tuple[int, int] | None = None
    position_38: tuple[int, int] | None = None
    repeated_sequence: str = ""
    normal_repeats: int | None = None
    pathogenic_repeats: int | None = None
    verbose_name: str = ""
    haploinsufficiency_score: str = ""
    triplosensitivity_score: str = ""
    required_overlap_percentage: int | None = None
    type_of_variants: str = "small"
    rating: str = ""
    current_diagnostic: bool = False
    clinically_relevant: bool | None = None
    comment: str = ""

    @classmethod
    def from_entity(cls, entity: Entity) -> EntityFields:
        fields = cls(
            name=entity.name,
            gene_symbol=entity.gene_core_id or "",
            sources=[ev.name for ev in entity.evidence.all()],
            tags=[t.name for t in entity.tags.all()],
            publications=list(entity.publications or []),
            phenotypes=list(entity.phenotypes or []),
            moi=entity.moi or "",
            penetrance=entity.penetrance,
            mode_of_pathogenicity=entity.mode_of_pathogenicity or "",
        )
        if isinstance(entity, GenePanelEntrySnapshot):
            fields.transcript = list(entity.transcript or [])
        else:
            fields.chromosome = entity.chromosome
            fields.position_37 = tuple(entity.grch37_coordinates) if entity.grch37_coordinates else None
            fields.position_38 = tuple(entity.grch38_coordinates)
        if isinstance(entity, STR):
            fields.repeated_sequence = entity.repeated_sequence
            fields.normal_repeats = entity.normal_repeats
            fields.pathogenic_repeats = entity.pathogenic_repeats
        if isinstance(entity, Region):
            fields.verbose_name = entity.verbose_name or ""
            fields.haploinsufficiency_score = entity.haploinsufficiency_score or ""
            fields.triplosensitivity_score = entity.triplosensitivity_score or ""
            fields.required_overlap_percentage = entity.required_overlap_percentage
            fields.type_of_variants = entity.type_of_variants
        return fields


# --- validation -------------------------------------------------------------------------------


def validate_fields(entity_type: str, fields: EntityFields) -> dict[str, list[str]]:
    """Every problem with ``fields``, keyed by field name (empty when valid)."""
    errors: dict[str, list[str]] = {}

    def bad(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if fields.moi and fields.moi not in MOI_VALUES:
        bad("moi", f"{fields.moi!r} is not a mode of inheritance PanelApp knows.")
    if fields.mode_of_pathogenicity and fields.mode_of_pathogenicity not in MOP_VALUES:
        bad("mode_of_pathogenicity", f"{fields.mode_of_pathogenicity!r} is not a mode of pathogenicity PanelApp knows.")
    if fields.penetrance and fields.penetrance not in PENETRANCE_VALUES:
        bad("penetrance", f"{fields.penetrance!r} is not a penetrance value (unknown, Complete, Incomplete).")
    if fields.rating and fields.rating not in ReviewRating.values:
        bad("rating", f"{fields.rating!r} is not a rating (GREEN, AMBER, RED).")
    for problem in tag_problems(fields.tags):
        bad("tags", problem)
    if entity_type == EntityType.GENE:
        if not fields.gene_symbol:
            bad("gene", "Choose a gene.")
    else:
        if not fields.name.strip():
            bad("name", "Give the entity a name.")
        what = "The STR name" if entity_type == EntityType.STR else "The region name"
        for problem in name_problems(fields.name, what):
            bad("name", problem)
        for problem in name_problems(fields.verbose_name or "", "The region's long name", slash=True):
            bad("verbose_name", problem)
        if fields.chromosome not in CHROMOSOMES:
            bad("chromosome", "Chromosome must be 1-22, X or Y.")
        if fields.position_38 is None:
            bad("position_38", "GRCh38 start and end positions are required.")
        for key in ("position_37", "position_38"):
            position = getattr(fields, key)
            if position is not None and (position[0] < 0 or position[1] < position[0]):
                bad(key, "The end position must not be before the start position.")
    if entity_type == EntityType.STR:
        if not fields.repeated_sequence.strip():
            bad("repeated_sequence", "Give the repeated sequence.")
        elif set(fields.repeated_sequence.upper()) - set("ACGTN"):
            bad("repeated_sequence", "The repeated sequence may contain only A, C, G, T and N.")
        if fields.normal_repeats is None:
            bad("normal_repeats", "Give the maximum normal number of repeats.")
        if fields.pathogenic_repeats is None:
            bad("pathogenic_repeats", "Give the minimum pathogenic number of repeats.")
    if entity_type == EntityType.REGION:
        for key in ("haploinsufficiency_score", "triplosensitivity_score"):
            if (getattr(fields, key) or "") not in DOSAGE_SCORE_VALUES:
                bad(key, f"{getattr(fields, key)!r} is not a dosage score.")
        if fields.type_of_variants not in VARIANT_TYPE_VALUES:
            bad("type_of_variants", f"{fields.type_of_variants!r} is not a variant type.")
        if fields.type_of_variants == "cnv_loss" and not fields.haploinsufficiency_score:
            bad("haploinsufficiency_score", "CNV loss regions need a haploinsufficiency score.")
        if fields.type_of_variants == "cnv_gain" and not fields.triplosensitivity_score:
            bad("triplosensitivity_score", "CNV gain regions need a triplosensitivity score.")
        overlap = fields.required_overlap_percentage
        if overlap is None or not 0 <= overlap <= 100:
            bad("required_overlap_percentage", "Required overlap must be a percentage between 0 and 100.")
    return errors


def resolve_gene(symbol: str) -> Gene | None:
    """The active gene with this symbol, or None."""
    if not symbol:
        return None
    return Gene.objects.active().filter(gene_symbol=symbol).first()


# --- status derived from sources ----------------------------------------------------------------


def evidence_status(entity: Entity) -> int:
    """The rating PanelApp derives from an entity's sources (reference §2.2 ``evidence_status``).

    Only curators' sources count: an expert review fixes the rating; otherwise each
    high-confidence source adds one, capped at green, and any curator source means at least red.
    """
    if entity.flagged:
        return GelStatus.NO_LIST
    gel_evidence = [ev for ev in entity.evidence.select_related("reviewer").order_by("-created", "-id") if ev.is_gel()]
    return status_from_sources(False, [(ev.name, ev.rating) for ev in gel_evidence])


def status_from_sources(flagged: bool, gel_sources: list[tuple[str, int]]) -> int:
    """``evidence_status`` over the curators' ``(source name, rating)`` pairs, newest first."""
    if flagged:
        return GelStatus.NO_LIST
    for name, _rating in gel_sources:
        if name in EXPERT_REVIEW_SOURCES:
            return int(EXPERT_REVIEW_SOURCES[name])
    count = min(sum(1 for name, rating in gel_sources if name in HIGH_CONFIDENCE_SOURCES and rating > 3), 3)
    if gel_sources and count == 0:
        return GelStatus.RED
    return count


def refresh_status(entity: Entity) -> tuple[int, int]:
    old = entity.saved_gel_status or 0
    entity.saved_gel_status = evidence_status(entity)
    entity.save(update_fields=["saved_gel_status", "flagged", "modified"])
    return old, entity.saved_gel_status


# --- helpers ------------------------------------------------------------------------------------


def _require_reviewer(user: User) -> None:
    if not is_verified_reviewer(user):
        raise PermissionDenied("Only approved reviewers and curators can add entities.")


def _require_curator(user: User) -> None:
    if not is_curator(user):
        raise PermissionDenied("Only Genomics England curators can change entities.")


def get_entity(snapshot: GenePanelSnapshot, entity_type: str, name: str) -> Entity | None:
    model = ENTITY_MODELS[EntityType(entity_type)]
    lookup = {"gene_core_id": name} if model is GenePanelEntrySnapshot else {"name": name}
    return model.objects.filter(panel=snapshot, **lookup).first()


def track_record(user: User, issues: list[tuple[str, str]], gel_status: int) -> TrackRecord:
    """One (unsaved) history line for a list of (issue code, description)."""
    return TrackRecord(
        issue_type=",".join(code for code, _ in issues if code),
        issue_description="\n".join(text for _, text in issues),
        user=user if getattr(user, "pk", None) else None,
        curator_status=1 if is_curator(user) else 0,
        gel_status=gel_status,
    )


def _record(entity: Entity, user: User, issues: list[tuple[str, str]], status: int | None = None) -> str:
    """Write one TrackRecord for a list of (issue code, description); return the description."""
    track = track_record(user, issues, (entity.saved_gel_status or 0) if status is None else status)
    track.save()
    entity.track.add(track)
    return track.issue_description


def _entity_attrs(entity_type: str, fields: EntityFields) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "moi": fields.moi or "",
        "penetrance": fields.penetrance or None,
        "publications": clean_list(fields.publications),
        "phenotypes": clean_list(fields.phenotypes),
        # None, not "": an entity without a mode of pathogenicity answers null (PanelApp's API).
        "mode_of_pathogenicity": fields.mode_of_pathogenicity or None,
    }
    if entity_type == EntityType.GENE:
        attrs["transcript"] = clean_list(fields.transcript) or None
        return attrs
    p37, p38 = fields.position_37, fields.position_38
    assert p38 is not None, "validate_fields requires GRCh38 positions of STRs and regions"
    attrs.update(
        {
            "name": fields.name.strip(),
            "chromosome": fields.chromosome,
            "position_37_start": p37[0] if p37 else None,
            "position_37_end": p37[1] if p37 else None,
            "position_38_start": p38[0],
            "position_38_end": p38[1],
        }
    )
    if entity_type == EntityType.STR:
        attrs.update(
            {
                "repeated_sequence": fields.repeated_sequence.strip().upper(),
                "normal_repeats": fields.normal_repeats,
                "pathogenic_repeats": fields.pathogenic_repeats,
            }
        )
    else:
        attrs.update(
            {
                "verbose_name": fields.verbose_name.strip(),
                "haploinsufficiency_score": fields.haploinsufficiency_score or "",
                "triplosensitivity_score": fields.triplosensitivity_score or "",
                "required_overlap_percentage": fields.required_overlap_percentage or 0,
                "type_of_variants": fields.type_of_variants,
            }
        )
    return attrs


def _add_sources(entity: Entity, user: User, sources: list[str]) -> list[str]:
    """Add the sources the entity does not have yet, in the order given, as PanelApp does: if
    any of them is an expert review, the entity's earlier expert reviews go first; expert reviews
    given together are all kept (the rating follows the newest: the last one given)."""
    existing = set(entity.evidence.values_list("name", flat=True))
    added = [source for source in dict.fromkeys(clean_list(sources)) if source not in existing]
    if any(source in EXPERT_REVIEW_SOURCES for source in added):
        entity.evidence.filter(name__in=list(EXPERT_REVIEW_SOURCES)).delete()
    for source in added:
        evidence = Evidence.objects.create(name=source, rating=5, reviewer=getattr(user, "reviewer", None))
        entity.evidence.add(evidence)
    return added


def _tags(names: list[str]) -> list[Tag]:
    return [Tag.objects.get_or_create(name=name)[0] for name in clean_list(names)]


def _review(snapshot: GenePanelSnapshot, entity: Entity, user: User, fields: EntityFields) -> Evaluation | None:
    if not (fields.rating or fields.comment.strip()):
        return None
    evaluation = Evaluation.objects.create(
        user=user,
        rating=fields.rating or "",
        mode_of_pathogenicity=fields.mode_of_pathogenicity or "",
        publications=clean_list(fields.publications),
        phenotypes=clean_list(fields.phenotypes),
        moi=fields.moi or "",
        current_diagnostic=fields.current_diagnostic,
        clinically_relevant=fields.clinically_relevant,
        version=snapshot.version,
        last_updated=timezone.now(),
    )
    if fields.comment.strip():
        evaluation.comments.add(
            Comment.objects.create(user=user, comment=fields.comment.strip(), version=snapshot.version)
        )
    entity.evaluation.add(evaluation)
    return evaluation


# --- adding -------------------------------------------------------------------------------------


def check_can_add(snapshot: GenePanelSnapshot, entity_type: str, fields: EntityFields) -> dict[str, list[str]]:
    """Validation that needs the database: the gene exists and the panel lacks the entity."""
    errors = validate_fields(entity_type, fields)
    if snapshot.is_super_panel():
        errors.setdefault("__all__", []).append(str(IsSuperPanelException(snapshot.level4title.name).message))
    symbol = fields.gene_symbol.strip()
    if symbol and resolve_gene(symbol) is None:
        errors.setdefault("gene", []).append(f"{symbol} is not an active gene symbol.")
    name = symbol if entity_type == EntityType.GENE else fields.name.strip()
    if name and get_entity(snapshot, entity_type, name) is not None:
        key = "gene" if entity_type == EntityType.GENE else "name"
        errors.setdefault(key, []).append(f"{name} is already on this panel.")
    return errors


def apply_new_entity(
    snapshot: GenePanelSnapshot, user: User, entity_type: str, fields: EntityFields, *, log: bool = True
) -> Entity:
    """Create the entity (inside a ``panel_change``). Curators' entities count at once;
    anyone else's are flagged until a curator approves them."""
    curator = is_curator(user)
    model = ENTITY_MODELS[EntityType(entity_type)]
    attrs = _entity_attrs(entity_type, fields)
    gene = resolve_gene(fields.gene_symbol.strip())
    if gene is not None:
        attrs["gene_core"] = gene
        attrs["gene"] = gene.dict_tr()
        if entity_type == EntityType.GENE and gene.gene_symbol.startswith("MT-"):
            attrs["moi"] = MITOCHONDRIAL
    entity = model.objects.create(panel=snapshot, flagged=not curator, saved_gel_status=0, **attrs)
    sources = _add_sources(entity, user, fields.sources)
    entity.tags.set(_tags(fields.tags))
    _review(snapshot, entity, user, fields)
    refresh_status(entity)
    description = _record(entity, user, [(Issue.CREATED, added_text(snapshot, entity, fields, sources, curator))])
    if log:
        log_activity(snapshot, user, description, entity)
    return entity


def added_text(
    snapshot: GenePanelSnapshot, entity: Entity, fields: EntityFields, sources: list[str], curator: bool
) -> str:
    """The history line of a new entity."""
    text = f"{entity.label} was added to {snapshot.level4title.name}."
    if sources:
        text += " Sources: " + ", ".join(sources) + "."
    if entity.moi:
        text += f"\nMode of inheritance: {entity.moi}"
    if fields.phenotypes:
        text += "\nPhenotypes: " + "; ".join(clean_list(fields.phenotypes))
    if not curator:
        text += "\nAdded by a reviewer: awaiting approval by a curator."
    return text


def add_entity(snapshot: GenePanelSnapshot, user: User, entity_type: str, fields: EntityFields) -> Entity:
    """Add an entity. A curator's addition bumps the minor version; a reviewer's does not."""
    _require_reviewer(user)
    errors = check_can_add(snapshot, entity_type, fields)
    if errors:
        raise ValidationError(errors)
    with panel_change(snapshot, bump=is_curator(user)):
        return apply_new_entity(snapshot, user, entity_type, fields)


# --- editing ------------------------------------------------------------------------------------

_FIELD_LABELS = {
    "moi": ("Mode of inheritance", Issue.SET_MOI),
    "penetrance": ("Penetrance", Issue.SET_PENETRANCE),
    "publications": ("Publications", Issue.SET_PUBLICATIONS),
    "phenotypes": ("Phenotypes", Issue.SET_PHENOTYPES),
    "mode_of_pathogenicity": ("Mode of pathogenicity", Issue.SET_MOP),
    "transcript": ("Transcript", Issue.SET_TRANSCRIPT),
    "name": ("Name", Issue.CHANGED_NAME),
    "chromosome": ("Chromosome", Issue.CHANGED_CHROMOSOME),
    "position_37_start": ("GRCh37 start", Issue.CHANGED_POSITION_37),
    "position_37_end": ("GRCh37 end", Issue.CHANGED_POSITION_37),
    "position_38_start": ("GRCh38 start", Issue.CHANGED_POSITION_38),
    "position_38_end": ("GRCh38 end", Issue.CHANGED_POSITION_38),
    "repeated_sequence": ("Repeated sequence", Issue.CHANGED_REPEATED_SEQUENCE),
    "normal_repeats": ("Normal repeats", Issue.CHANGED_NORMAL_REPEATS),
    "pathogenic_repeats": ("Pathogenic repeats", Issue.CHANGED_PATHOGENIC_REPEATS),
    "verbose_name": ("Verbose name", Issue.CHANGED_NAME),
    "haploinsufficiency_score": ("Haploinsufficiency score", Issue.CHANGED_HAPLOINSUFFICIENCY),
    "triplosensitivity_score": ("Triplosensitivity score", Issue.CHANGED_TRIPLOSENSITIVITY),
    "required_overlap_percentage": ("Required overlap percentage", Issue.CHANGED_OVERLAP),
    "type_of_variants": ("Variant type", Issue.CHANGED_VARIANT_TYPE),
}


def _show(value: object) -> str:
    if value in (None, "", []):
        return "(none)"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _attribute_changes(entity: Entity, attrs: dict[str, Any]) -> list[tuple[str, str, object]]:
    """(attribute, description, new value) for every attribute that differs."""
    changes = []
    for attr, new in attrs.items():
        old = getattr(entity, attr)
        if isinstance(old, list) or isinstance(new, list):
            same = clean_list(old) == clean_list(new)
        else:
            same = (old or "") == (new or "") if not isinstance(new, int) else old == new
        if not same:
            label, _ = _FIELD_LABELS[attr]
            changes.append((attr, f"{label} for {entity.label} was changed from {_show(old)} to {_show(new)}", new))
    return changes


def update_entity_attributes(
    entity: Entity,
    entity_type: str,
    fields: EntityFields,
    *,
    append_only: bool,
    find_gene: Callable[[str], Gene | None],
) -> list[tuple[str, str]]:
    """Set ``entity``'s attributes (and, for STRs and regions, its gene, looked up by
    ``find_gene(symbol)``) from ``fields``, without saving; returns the change descriptions. Shared
    by ``apply_entity_update`` and the bulk importer (``entity_batch``)."""
    issues: list[tuple[str, str]] = []
    attrs = _entity_attrs(entity_type, fields)
    if append_only:
        attrs["phenotypes"] = list(dict.fromkeys(list(entity.phenotypes or []) + attrs["phenotypes"]))
        attrs["publications"] = list(dict.fromkeys(list(entity.publications or []) + attrs["publications"]))
        attrs = {k: v for k, v in attrs.items() if v not in (None, "", [])}
    if entity_type == EntityType.GENE and entity.name.startswith("MT-"):
        attrs["moi"] = MITOCHONDRIAL
    for attr, description, new in _attribute_changes(entity, attrs):
        setattr(entity, attr, new)
        issues.append((_FIELD_LABELS[attr][1], description))
    if entity_type != EntityType.GENE:
        symbol = fields.gene_symbol.strip()
        if symbol != (entity.gene_core_id or ""):
            gene = find_gene(symbol)
            entity.gene_core = gene
            entity.gene = gene.dict_tr() if gene else None
            issues.append((Issue.CHANGED_GENE_NAME, f"Gene for {entity.label} was changed to {symbol or '(none)'}"))
    return issues


def apply_entity_update(
    snapshot: GenePanelSnapshot,
    entity: Entity,
    user: User,
    entity_type: str,
    fields: EntityFields,
    *,
    append_only: bool = False,
) -> list[str]:
    """Bring the entity in line with ``fields`` (inside a ``panel_change``). Returns the change
    descriptions. ``append_only`` (uploads) adds sources and phenotypes without removing any."""
    issues = update_entity_attributes(entity, entity_type, fields, append_only=append_only, find_gene=resolve_gene)
    entity.save()

    current = set(entity.evidence.values_list("name", flat=True))
    wanted = clean_list(fields.sources)
    if not append_only:
        for name in sorted(current - set(wanted)):
            entity.evidence.filter(name=name).delete()
            issues.append((Issue.REMOVED_SOURCE, f"Source {name} was removed from {entity.label}."))
    for name in _add_sources(entity, user, wanted):
        issues.append((Issue.NEW_SOURCE, f"Source {name} was added to {entity.label}."))

    current_tags = set(entity.tags.values_list("name", flat=True))
    wanted_tags = set(clean_list(fields.tags))
    if not append_only or wanted_tags:
        for name in sorted(wanted_tags - current_tags):
            issues.append((Issue.ADDED_TAG, f"Tag {name} was added to {entity.label}."))
        removed: set[str] = set() if append_only else current_tags - wanted_tags
        for name in sorted(removed):
            issues.append((Issue.REMOVED_TAG, f"Tag {name} was removed from {entity.label}."))
        entity.tags.set(_tags(sorted((current_tags | wanted_tags) - removed)))

    if not issues:
        return []
    old, new = refresh_status(entity)
    if old != new:
        issues.append(rating_changed(old, new))
    description = _record(entity, user, issues)
    log_activity(snapshot, user, description, entity)
    return [text for _, text in issues]


def rating_changed(old: int, new: int) -> tuple[str, str]:
    return (
        Issue.GEL_STATUS_UPDATE,
        f"Rating changed from {STATUS_DESCRIPTIONS[min(old, 3)]} to {STATUS_DESCRIPTIONS[min(new, 3)]}",
    )


def update_entity(snapshot: GenePanelSnapshot, entity: Entity, user: User, fields: EntityFields) -> bool:
    """The curator's edit form. Bumps the minor version only when something changed."""
    _require_curator(user)
    entity_type = str(entity.entity_type)
    errors = validate_fields(entity_type, fields)
    if (
        entity_type != EntityType.GENE
        and fields.name.strip() != entity.name
        and get_entity(snapshot, entity_type, fields.name.strip()) is not None
    ):
        errors.setdefault("name", []).append(f"{fields.name.strip()} is already on this panel.")
    if fields.gene_symbol.strip() and resolve_gene(fields.gene_symbol.strip()) is None:
        errors.setdefault("gene", []).append(f"{fields.gene_symbol.strip()} is not an active gene symbol.")
    if errors:
        raise ValidationError(errors)
    if not _would_change(entity, entity_type, fields):
        return False
    with panel_change(snapshot):
        entity.refresh_from_db()
        return bool(apply_entity_update(snapshot, entity, user, entity_type, fields))


def _would_change(entity: Entity, entity_type: str, fields: EntityFields) -> bool:
    if _attribute_changes(entity, _entity_attrs(entity_type, fields)):
        return True
    if entity_type != EntityType.GENE and fields.gene_symbol.strip() != (entity.gene_core_id or ""):
        return True
    sources = set(entity.evidence.values_list("name", flat=True))
    tags = set(entity.tags.values_list("name", flat=True))
    return sources != set(clean_list(fields.sources)) or tags != set(clean_list(fields.tags))


# --- curator actions ----------------------------------------------------------------------------

_SINGLE_FIELDS = {"moi", "mode_of_pathogenicity", "penetrance", "phenotypes", "publications", "transcript"}


def _attach_comment(snapshot: GenePanelSnapshot, entity: Entity, user: User, comment: str) -> str:
    comment = (comment or "").strip()
    if comment:
        entity.comments.add(Comment.objects.create(user=user, comment=comment, version=snapshot.version))
        return f"\nComment: {comment}"
    return ""


def update_field(
    snapshot: GenePanelSnapshot, entity: Entity, user: User, attr: str, value: Any, comment: str = ""
) -> bool:
    """Curator sets one of MOI, MOP, penetrance, phenotypes, publications or transcript.
    Bumps the minor version if the value changed."""
    _require_curator(user)
    if attr not in _SINGLE_FIELDS:
        raise ValueError(f"{attr} is not a curated field")
    probe = EntityFields(**{attr: value}) if attr != "transcript" else EntityFields(transcript=value)
    errors = {k: v for k, v in validate_fields(str(entity.entity_type), probe).items() if k == attr}
    if errors:
        raise ValidationError(errors)
    if attr in ("phenotypes", "publications", "transcript"):
        value = clean_list(value)
    changes = _attribute_changes(entity, {attr: value})
    if not changes:
        return False
    with panel_change(snapshot):
        entity.refresh_from_db()
        if attr == "transcript" and not value:
            value = None
        setattr(entity, attr, value)
        entity.save()
        description = _record(entity, user, [(_FIELD_LABELS[attr][1], changes[0][1])])
        log_activity(snapshot, user, description + _attach_comment(snapshot, entity, user, comment), entity)
    return True


def set_rating(snapshot: GenePanelSnapshot, entity: Entity, user: User, status: int, comment: str = "") -> None:
    """Curator classifies the entity: replaces any expert review with ``Expert Review <Colour>``.
    "Removed" (0) flags the entity. Bumps the minor version."""
    _require_curator(user)
    status = int(status)
    if status not in EXPERT_REVIEW_FOR_STATUS:
        raise ValidationError({"status": ["Choose Green, Amber, Red or No list."]})
    with panel_change(snapshot):
        entity.refresh_from_db()
        old = entity.saved_gel_status or 0
        entity.evidence.filter(name__in=list(EXPERT_REVIEW_SOURCES)).delete()
        entity.evidence.add(
            Evidence.objects.create(name=EXPERT_REVIEW_FOR_STATUS[status], rating=5, reviewer=user.reviewer)
        )
        entity.flagged = status == GelStatus.NO_LIST
        refresh_status(entity)
        code = Issue.GENE_CLASSIFIED if entity.entity_type == EntityType.GENE else Issue.ENTITY_CLASSIFIED
        text = f"{entity.label} has been classified as {STATUS_DESCRIPTIONS[status]}."
        if old != entity.saved_gel_status:
            text += f"\nRating changed from {STATUS_DESCRIPTIONS[min(old, 3)]} to {STATUS_DESCRIPTIONS[status]}"
        description = _record(entity, user, [(code, text)])
        log_activity(snapshot, user, description + _attach_comment(snapshot, entity, user, comment), entity)


#: As PanelApp's ``Tag.name`` (a 255-character column).
MAX_TAG_LENGTH = 255


def tag_problems(tag_names: list[str] | None) -> list[str]:
    """Tags are shown and filtered by (``?tag=``), never part of a path: '/' is allowed."""
    problems = {p for name in tag_names or [] for p in name_problems(name, "A tag", slash=True)}
    if any(len(name.strip()) > MAX_TAG_LENGTH for name in tag_names or []):
        problems.add(f"A tag may be at most {MAX_TAG_LENGTH} characters long.")
    return sorted(problems)


def set_tags(snapshot: GenePanelSnapshot, entity: Entity, user: User, tag_names: list[str]) -> None:
    """Tags change without a new version."""
    _require_curator(user)
    problems = tag_problems(tag_names)
    if problems:
        raise ValidationError({"tags": problems})
    with panel_change(snapshot, bump=False):
        current = set(entity.tags.values_list("name", flat=True))
        wanted = set(clean_list(tag_names))
        issues = [(Issue.ADDED_TAG, f"Tag {n} was added to {entity.label}.") for n in sorted(wanted - current)]
        issues += [(Issue.REMOVED_TAG, f"Tag {n} was removed from {entity.label}.") for n in sorted(current - wanted)]
        if not issues:
            return
        entity.tags.set(_tags(sorted(wanted)))
        log_activity(snapshot, user, _record(entity, user, issues), entity)


def set_ready(snapshot: GenePanelSnapshot, entity: Entity, user: User, ready: bool, comment: str = "") -> None:
    """The curator's "ready" mark. No new version."""
    _require_curator(user)
    with panel_change(snapshot, bump=False):
        if entity.ready == ready:
            return
        entity.ready = ready
        entity.save(update_fields=["ready", "modified"])
        text = f"{entity.label} has been marked as {'ready' if ready else 'not ready'}."
        description = _record(entity, user, [("", text)])
        log_activity(snapshot, user, description + _attach_comment(snapshot, entity, user, comment), entity)


def approve_entity(snapshot: GenePanelSnapshot, entity: Entity, user: User) -> None:
    """Accept an entity a reviewer suggested. No new version."""
    _require_curator(user)
    with panel_change(snapshot, bump=False):
        if not entity.flagged:
            return
        entity.flagged = False
        refresh_status(entity)
        description = _record(entity, user, [(Issue.APPROVED_ENTITY, f"{entity.label} has been approved.")])
        log_activity(snapshot, user, description, entity)


def delete_entity(snapshot: GenePanelSnapshot, entity: Entity, user: User) -> None:
    """Remove an entity from the panel. Bumps the minor version."""
    _require_curator(user)
    with panel_change(snapshot):
        label = entity.label
        entity.evidence.all().delete()
        entity.evaluation.all().delete()
        entity.track.all().delete()
        entity.comments.all().delete()
        entity.delete()
        log_activity(snapshot, user, f"{label} was removed from {snapshot.level4title.name}.", entity)
