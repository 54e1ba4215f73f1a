"""Creating, editing, promoting and signing off panels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_curator

from ..models import ENTITY_MODELS, GenePanel, GenePanelSnapshot, HistoricalSnapshot, Level4Title, PanelType
from ..models.panels import clean_list
from ..names import name_problems
from ..tasks import email_panel_promoted
from ..versions import InvalidVersion, Version
from ..vocab import DEFAULT_PANEL_TYPES, PanelStatus
from .activity import log_activity
from .stats import recalculate_stats
from .versioning import increment_version, panel_change


@dataclass
class PanelFields:
    """Everything the curator's panel form edits (reference §4: create/update panel)."""

    name: str
    level2: str = ""
    level3: str = ""
    description: str = ""
    omim: list[str] = field(default_factory=list)
    orphanet: list[str] = field(default_factory=list)
    hpo: list[str] = field(default_factory=list)
    relevant_disorders: list[str] = field(default_factory=list)
    type_slugs: list[str] = field(default_factory=list)
    status: str = PanelStatus.INTERNAL
    child_panel_ids: list[int] = field(default_factory=list)  # GenePanel ids
    signed_off_version: str = ""
    signed_off_date: dt.date | None = None

    @classmethod
    def from_snapshot(cls, snapshot: GenePanelSnapshot) -> PanelFields:
        title = snapshot.level4title
        signed_off = snapshot.panel.signed_off
        return cls(
            name=title.name,
            level2=title.level2title,
            level3=title.level3title,
            description=title.description,
            omim=list(title.omim),
            orphanet=list(title.orphanet),
            hpo=list(title.hpo),
            relevant_disorders=clean_list(snapshot.old_panels),
            type_slugs=sorted(t.slug for t in snapshot.panel.types.all()),
            status=snapshot.panel.status,
            child_panel_ids=sorted(snapshot.child_panels.values_list("panel_id", flat=True)),
            signed_off_version=signed_off.version if signed_off else "",
            signed_off_date=signed_off.signed_off_date if signed_off else None,
        )


def _require_curator(user: User) -> None:
    if not is_curator(user):
        raise PermissionDenied("Only Genomics England curators can change panels.")


def _validate(fields: PanelFields, panel: GenePanel | None) -> None:
    errors: dict[str, list[str]] = {}
    name = fields.name.strip()
    if not name:
        errors.setdefault("name", []).append("A panel needs a name.")
    # '/' is allowed: panels are addressed by id, and real panel names hold one.
    for problem in name_problems(fields.name, "A panel name", slash=True):
        errors.setdefault("name", []).append(problem)
    clash = GenePanel.objects.exclude(status=PanelStatus.DELETED).filter(name__iexact=name)
    if panel is not None:
        clash = clash.exclude(pk=panel.pk)
    if name and clash.exists():
        errors.setdefault("name", []).append(f"A panel named {name!r} already exists.")
    if fields.status not in PanelStatus.values:
        errors.setdefault("status", []).append(f"{fields.status!r} is not a panel status.")
    unknown = set(fields.type_slugs) - set(
        PanelType.objects.filter(slug__in=fields.type_slugs).values_list("slug", flat=True)
    )
    if unknown:
        errors.setdefault("types", []).append("Unknown panel types: " + ", ".join(sorted(unknown)))
    if fields.child_panel_ids:
        if panel is not None and panel.pk in fields.child_panel_ids:
            errors.setdefault("child_panels", []).append("A panel cannot be its own child.")
        children = GenePanelSnapshot.objects.filter(panel_id__in=fields.child_panel_ids).select_related(
            "panel", "level4title"
        )
        found = {c.panel_id: c for c in children}
        missing = set(fields.child_panel_ids) - set(found)
        if missing:
            errors.setdefault("child_panels", []).append(
                "Unknown panels: " + ", ".join(str(m) for m in sorted(missing))
            )
        for child in found.values():
            if child.is_super_panel():
                errors.setdefault("child_panels", []).append(
                    f"{child.level4title.name} is itself a super panel and cannot be a child panel."
                )
    if bool(fields.signed_off_version) != bool(fields.signed_off_date):
        key = "signed_off_date" if fields.signed_off_version else "signed_off_version"
        errors.setdefault(key, []).append("Give both the signed-off version and its date, or neither.")
    if fields.signed_off_date and fields.signed_off_date > timezone.localdate():
        errors.setdefault("signed_off_date", []).append("The sign-off date cannot be in the future.")
    if fields.signed_off_version:
        try:
            Version.parse(fields.signed_off_version)
        except InvalidVersion as exc:
            errors.setdefault("signed_off_version", []).append(str(exc))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_panel(user: User, fields: PanelFields) -> GenePanelSnapshot:
    """A new panel starts at 0.0; a new super panel at (highest child major).0."""
    _require_curator(user)
    _validate(fields, None)
    if fields.signed_off_version:
        raise ValidationError({"signed_off_version": ["A new panel has no versions to sign off yet."]})
    panel = GenePanel.objects.create(name=fields.name.strip(), status=fields.status)
    _set_types(panel, fields.type_slugs)
    children = list(GenePanelSnapshot.objects.filter(panel_id__in=fields.child_panel_ids))
    snapshot = GenePanelSnapshot.objects.create(
        panel=panel,
        level4title=_new_title(fields),
        major_version=max((c.major_version for c in children), default=0),
        minor_version=0,
        old_panels=clean_list(fields.relevant_disorders),
    )
    snapshot.child_panels.set(children)
    recalculate_stats(snapshot)
    log_activity(snapshot, user, f"Added Panel {panel.name}")
    return snapshot


def _new_title(fields: PanelFields) -> Level4Title:
    return Level4Title.objects.create(
        name=fields.name.strip(),
        description=fields.description.strip(),
        level3title=fields.level3.strip(),
        level2title=fields.level2.strip(),
        omim=clean_list(fields.omim),
        orphanet=clean_list(fields.orphanet),
        hpo=clean_list(fields.hpo),
    )


def _describe_changes(before: PanelFields, after: PanelFields) -> list[str]:
    labels = [
        ("name", "Panel name"),
        ("level2", "Level 2 title"),
        ("level3", "Level 3 title"),
        ("description", "Description"),
        ("omim", "OMIM"),
        ("orphanet", "Orphanet"),
        ("hpo", "HPO"),
        ("relevant_disorders", "Relevant disorders"),
        ("type_slugs", "Panel types"),
        ("status", "Panel status"),
        ("child_panel_ids", "Child panels"),
    ]
    changes = []
    for attr, label in labels:
        old, new = getattr(before, attr), getattr(after, attr)
        if isinstance(old, list):
            old, new = clean_list(old), clean_list(new)
            if attr in ("type_slugs", "child_panel_ids"):
                old, new = sorted(map(str, old)), sorted(map(str, new))
        elif isinstance(old, str):
            old, new = old.strip(), (new or "").strip()
        if old != new:
            changes.append(f"{label} changed from {_shown(old) or '(none)'} to {_shown(new) or '(none)'}")
    return changes


def _shown(value: object) -> object:
    return "; ".join(value) if isinstance(value, list) else value


def update_panel(snapshot: GenePanelSnapshot, user: User, fields: PanelFields) -> bool:
    """Apply the panel form. Any change bumps the minor version once; no change, no bump."""
    _require_curator(user)
    _validate(fields, snapshot.panel)
    before = PanelFields.from_snapshot(snapshot)
    changes = _describe_changes(before, fields)
    sign_off_changed = (before.signed_off_version, before.signed_off_date) != (
        fields.signed_off_version,
        fields.signed_off_date,
    )
    if not changes and not sign_off_changed:
        return False
    if fields.signed_off_version:
        _check_signable(snapshot, fields.signed_off_version)

    with panel_change(snapshot):
        panel = snapshot.panel
        title_fields = ("name", "level2", "level3", "description", "omim", "orphanet", "hpo")
        if any(getattr(before, f) != getattr(fields, f) for f in title_fields):
            snapshot.level4title = _new_title(fields)
        snapshot.old_panels = clean_list(fields.relevant_disorders)
        snapshot.save(update_fields=["level4title", "old_panels", "relevant_disorders_key", "modified"])
        panel.name = fields.name.strip()
        panel.status = fields.status
        panel.save(update_fields=["name", "status", "modified"])
        _set_types(panel, fields.type_slugs)
        if sorted(before.child_panel_ids) != sorted(fields.child_panel_ids):
            snapshot.child_panels.set(GenePanelSnapshot.objects.filter(panel_id__in=fields.child_panel_ids))
            snapshot._is_super_panel = bool(fields.child_panel_ids)
            snapshot.__dict__.pop("child_panel_id_list", None)
        for change in changes:
            log_activity(snapshot, user, change)
        if sign_off_changed:
            _apply_sign_off(snapshot, user, before, fields)
    return True


def _check_signable(snapshot: GenePanelSnapshot, version_text: str) -> None:
    version = Version.parse(version_text)
    if version == snapshot.version_tuple:
        return  # the bump this edit causes freezes the current version first
    if not HistoricalSnapshot.objects.filter(
        panel_id=snapshot.panel_id, major_version=version.major, minor_version=version.minor
    ).exists():
        raise ValidationError({"signed_off_version": [f"Version {version} of this panel does not exist."]})


def _apply_sign_off(snapshot: GenePanelSnapshot, user: User, before: PanelFields, after: PanelFields) -> None:
    """Sign off ``after``'s version on its date; earlier sign-offs stay on record. Blank fields
    remove the latest sign-off."""
    panel = snapshot.panel
    if after.signed_off_version:
        version = Version.parse(after.signed_off_version)
        signed_on = after.signed_off_date
        assert signed_on is not None, "_validate asks for the date with the version"
        HistoricalSnapshot.objects.filter(panel=panel, major_version=version.major, minor_version=version.minor).update(
            signed_off_date=signed_on
        )
        log_activity(snapshot, user, f"Panel version {version} has been signed off on {signed_on.isoformat()}")
    elif before.signed_off_version:
        old = Version.parse(before.signed_off_version)
        HistoricalSnapshot.objects.filter(panel=panel, major_version=old.major, minor_version=old.minor).update(
            signed_off_date=None
        )
        log_activity(snapshot, user, f"Panel signed off version {old} has been removed")
    panel.signed_off = latest_signed_off(panel)
    panel.save(update_fields=["signed_off"])


def latest_signed_off(panel: GenePanel) -> HistoricalSnapshot | None:
    return (
        HistoricalSnapshot.objects.filter(panel=panel, signed_off_date__isnull=False)
        .order_by("-major_version", "-minor_version")
        .first()
    )


def set_status(snapshot: GenePanelSnapshot, user: User, status: str) -> None:
    """Approve (public), reject (internal) or delete a panel. PanelApp does not bump for these."""
    _require_curator(user)
    if status not in PanelStatus.values:
        raise ValidationError({"status": [f"{status!r} is not a panel status."]})
    with panel_change(snapshot, bump=False):
        old = snapshot.panel.status
        if old == status:
            return
        snapshot.panel.status = status
        snapshot.panel.save(update_fields=["status", "modified"])
        log_activity(snapshot, user, f"Panel status changed from {old} to {status}")


def promote(snapshot: GenePanelSnapshot, user: User, comment: str) -> GenePanelSnapshot:
    """The only way to a new major version: x.y -> (x+1).0, with a required comment.

    Super panels that include this panel are promoted with it. Everyone who reviewed an entity
    of the panel is emailed once the change is committed.
    """
    _require_curator(user)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"version_comment": ["Say what changed in this version."]})
    with panel_change(snapshot, bump=False):
        increment_version(snapshot, comment=comment, major=True)
        stamp = timezone.now().strftime("%Y-%m-%d %H:%M")
        previous = snapshot.version_comment or ""
        snapshot.version_comment = (
            f"{stamp} {user.reviewer_label()} promoted panel to {snapshot.version}\n{comment}\n\n{previous}"
        )
        GenePanelSnapshot.objects.filter(pk=snapshot.pk).update(version_comment=snapshot.version_comment)
        log_activity(snapshot, user, f"promoted panel to version {snapshot.version}")
        panel_id = snapshot.panel_id
        transaction.on_commit(lambda: email_panel_promoted.delay(panel_id))
    return snapshot


def mark_not_ready(snapshot: GenePanelSnapshot, user: User) -> None:
    """Clear every "ready" mark of the panel, e.g. after a promotion. No new version."""
    _require_curator(user)
    with panel_change(snapshot, bump=False):
        for model in ENTITY_MODELS.values():
            model.objects.filter(panel=snapshot).update(ready=False)
        log_activity(snapshot, user, "All entities of the panel were marked as not ready")


def _set_types(panel: GenePanel, slugs: list[str]) -> None:
    position = {slug: index for index, slug in enumerate(slugs)}
    set_panel_types_in_order(panel, sorted(PanelType.objects.filter(slug__in=slugs), key=lambda t: position[t.slug]))


def set_panel_types_in_order(panel: GenePanel, wanted: list[PanelType]) -> None:
    """Give the panel these types. A panel lists its types in its own order: the ones it keeps
    stay where they are, new ones follow in the order given (Django's ``set`` would add them in
    id order)."""
    links = GenePanel.types.through.objects
    links.filter(genepanel=panel).exclude(paneltype__in=wanted).delete()
    held = set(links.filter(genepanel=panel).values_list("paneltype_id", flat=True))
    links.bulk_create([links.model(genepanel=panel, paneltype=t) for t in wanted if t.pk not in held])
    panel.__dict__.pop("type_list", None)  # read again, in the new order


def ensure_default_panel_types() -> None:
    """The panel types every installation starts with (also seeded by migration 0002)."""
    for slug, name in DEFAULT_PANEL_TYPES:
        PanelType.objects.get_or_create(slug=slug, defaults={"name": name, "description": name})
