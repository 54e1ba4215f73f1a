"""The write side of releases. Curators only; every change runs in one transaction.

Deploying goes through the panels' own services: ``panels.services.panels.promote`` for a
promotion and ``update_panel`` with the panel's current version and today's date for the sign-off
(which freezes that version, signs it off and moves the panel on one minor version), so a release
follows exactly the version rules of the panel pages.
"""

from __future__ import annotations

import datetime as dt
import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_curator
from panels.models import GenePanelSnapshot, HistoricalSnapshot
from panels.services import panels as panel_service
from panels.vocab import PanelStatus

from . import comment_template, csv_import, selectors
from .models import Release, ReleaseDeployment, ReleasePanel, ReleasePanelDeployment

logger = logging.getLogger(__name__)

#: A queued deployment that has not finished after this long may be started again (as PanelApp).
DEPLOYMENT_TIMEOUT = timedelta(minutes=30)


class DeploymentFailed(Exception):
    """A panel of the release could not be promoted or signed off: nothing was changed."""


def _require_curator(user: User) -> None:
    if not is_curator(user):
        raise PermissionDenied("Only Genomics England curators can manage releases.")


def _require_editable(release: Release) -> None:
    deployment = selectors.deployment_of(release)
    if deployment is None or deployment.state == ReleaseDeployment.State.FAILED:
        return
    if deployment.state == ReleaseDeployment.State.DONE:
        raise ValidationError("This release has been deployed; it can no longer change.")
    raise ValidationError("This release is being deployed; it cannot change now.")


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


@transaction.atomic
def save_release(user: User, *, name: str, promotion_comment: str, release: Release | None = None) -> Release:
    _require_curator(user)
    if release is not None:
        release = Release.objects.select_for_update().get(pk=release.pk)
        _require_editable(release)
    name = (name or "").strip()
    comment = (promotion_comment or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["A release needs a name."]
    elif len(name) > 255:
        errors["name"] = ["A release name has at most 255 characters."]
    else:
        clash = Release.objects.filter(name__iexact=name)
        if release is not None:
            clash = clash.exclude(pk=release.pk)
        if clash.exists():
            errors["name"] = [f"A release named {name!r} already exists."]
    if "\x00" in name or "\x00" in comment:
        errors.setdefault("name", []).append("NUL characters are not allowed.")
    template_problems = comment_template.problems(comment)
    if template_problems:
        errors["promotion_comment"] = template_problems
    if errors:
        raise ValidationError(errors)
    if release is None:
        return Release.objects.create(name=name, promotion_comment=comment, created_by=user)
    release.name, release.promotion_comment = name, comment
    release.save(update_fields=["name", "promotion_comment", "modified"])
    return release


@transaction.atomic
def import_panels(release: Release, user: User, data: bytes) -> int:
    """Replace the release's panels with those of the CSV; the number of panels it now has."""
    _require_curator(user)
    release = Release.objects.select_for_update().get(pk=release.pk)
    _require_editable(release)
    rows = csv_import.parse(data)
    release.release_panels.all().delete()
    ReleasePanel.objects.bulk_create(
        [ReleasePanel(release=release, panel_id=row.panel_id, promote=row.promote) for row in rows]
    )
    Release.objects.filter(pk=release.pk).update(modified=timezone.now())
    return len(rows)


@transaction.atomic
def set_choices(
    release: Release, user: User, promote: dict[int, bool], remove: frozenset[int] | set[int] = frozenset()
) -> None:
    """Promote-or-sign-off for each listed panel (by panel id); ``remove`` drops panels."""
    _require_curator(user)
    release = Release.objects.select_for_update().get(pk=release.pk)
    _require_editable(release)
    known = set(release.release_panels.values_list("panel_id", flat=True))
    unknown = (set(promote) | set(remove)) - known
    if unknown:
        raise ValidationError("Not in this release: panel " + ", ".join(str(i) for i in sorted(unknown)))
    for value in (True, False):
        ids = [panel_id for panel_id, chosen in promote.items() if chosen is value and panel_id not in remove]
        if ids:
            release.release_panels.filter(panel_id__in=ids).update(promote=value)
    if remove:
        release.release_panels.filter(panel_id__in=remove).delete()


def _check_deployable(release: Release) -> None:
    total, promoted = selectors.release_counts(release)
    if not total:
        raise ValidationError("The release has no panels: add them with a CSV file first.")
    if promoted and not comment_template.render(release.promotion_comment, version="1.0", now=timezone.now()):
        raise ValidationError("Panels to promote need a promotion comment: edit the release and write one.")
    deleted = list(release.release_panels.filter(panel__status=PanelStatus.DELETED).values_list("panel_id", flat=True))
    if deleted:
        raise ValidationError("Deleted panels cannot be released: " + ", ".join(str(i) for i in deleted))


@transaction.atomic
def start_deployment(release: Release, user: User) -> ReleaseDeployment:
    """Queue the release's deployment (the Celery task ``releases.tasks.deploy_release``)."""
    from .tasks import deploy_release

    _require_curator(user)
    release = Release.objects.select_for_update().get(pk=release.pk)
    try:
        # A worker deploying it holds this row: never queue it again underneath that worker.
        with transaction.atomic():
            deployment = ReleaseDeployment.objects.select_for_update(nowait=True).filter(release=release).first()
    except OperationalError as error:
        raise ValidationError("This release is being deployed right now.") from error
    if deployment is not None:
        if deployment.state == ReleaseDeployment.State.DONE:
            raise ValidationError("This release has already been deployed.")
        if (
            deployment.state == ReleaseDeployment.State.QUEUED
            and timezone.now() - deployment.start < DEPLOYMENT_TIMEOUT
        ):
            raise ValidationError("This release is already being deployed.")
    _check_deployable(release)
    now = timezone.now()
    if deployment is None:
        deployment = ReleaseDeployment.objects.create(release=release, user=user, start=now)
    else:
        deployment.user, deployment.state, deployment.start, deployment.end, deployment.error = (
            user,
            ReleaseDeployment.State.QUEUED,
            now,
            None,
            "",
        )
        deployment.save()
    deployment_id = deployment.pk
    transaction.on_commit(lambda: deploy_release.delay(deployment_id))
    return deployment


def deploy(deployment_id: int) -> str:
    """The task's work: deploy every panel of the release in one transaction.

    Idempotent: a deployment that is done or failed is left alone, and one that another worker is
    running (its row locked) is skipped. On any failure everything is rolled back and the
    deployment is marked failed with the reason; the curator may deploy again.
    """
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    deployment = (
                        ReleaseDeployment.objects.select_for_update(nowait=True, of=("self",))
                        .select_related("release", "user")
                        .get(pk=deployment_id)
                    )
            except OperationalError:
                logger.info("Release deployment %s is being run by another worker", deployment_id)
                return "running"
            if deployment.state != ReleaseDeployment.State.QUEUED:
                return deployment.state
            _apply(deployment)
            deployment.state, deployment.end = ReleaseDeployment.State.DONE, timezone.now()
            deployment.save(update_fields=["state", "end"])
            return deployment.state
    except ReleaseDeployment.DoesNotExist:
        logger.warning("Release deployment %s does not exist", deployment_id)
        return "missing"
    except (DeploymentFailed, ValidationError, PermissionDenied) as error:
        reason = _reason(error)
    except DatabaseError as error:
        logger.exception("Release deployment %s failed on the database", deployment_id)
        reason = f"The database refused the change ({type(error).__name__}); nothing was changed."
    except Exception as error:
        # Whatever went wrong, the transaction is rolled back and the curator is told.
        logger.exception("Release deployment %s failed", deployment_id)
        reason = f"Unexpected error ({type(error).__name__}); nothing was changed."
    ReleaseDeployment.objects.filter(pk=deployment_id, state=ReleaseDeployment.State.QUEUED).update(
        state=ReleaseDeployment.State.FAILED, end=timezone.now(), error=reason
    )
    logger.warning("Release deployment %s failed: %s", deployment_id, reason)
    return ReleaseDeployment.State.FAILED


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(_messages(error))
    return str(error) or type(error).__name__


def _apply(deployment: ReleaseDeployment) -> None:
    release, user = deployment.release, deployment.user
    if user is None or not is_curator(user):
        raise DeploymentFailed("The curator who deployed the release can no longer change panels.")
    try:
        _check_deployable(release)
    except ValidationError as error:
        raise DeploymentFailed(_reason(error)) from error
    now = timezone.now()
    today = timezone.localdate()
    release_panels = list(release.release_panels.order_by("panel_id"))
    ids = [rp.panel_id for rp in release_panels]
    before = {
        s.panel_id: s
        for s in GenePanelSnapshot.objects.select_related("panel", "panel__signed_off").filter(panel_id__in=ids)
    }
    for release_panel in release_panels:
        # Read afresh: an earlier panel of the release may have bumped this one (a super panel).
        snapshot = GenePanelSnapshot.objects.select_related("panel", "panel__signed_off", "level4title").get(
            panel_id=release_panel.panel_id
        )
        label = f"Panel {snapshot.panel_id} ({snapshot.level4title.name})"
        try:
            if release_panel.promote:
                version = str(snapshot.version_tuple.next_major())
                comment = comment_template.render(release.promotion_comment, version=version, now=now)
                panel_service.promote(snapshot, user, comment)
            _sign_off(snapshot, user, today)
        except (ValidationError, PermissionDenied) as error:
            raise DeploymentFailed(f"{label}: {_reason(error)}") from error
    _record(deployment, release_panels, before)


def _sign_off(snapshot: GenePanelSnapshot, user: User, today: dt.date) -> None:
    """Sign off the current version today through the panel form's own rules (a minor bump)."""
    snapshot = GenePanelSnapshot.objects.select_related("panel", "panel__signed_off", "level4title").get(pk=snapshot.pk)
    fields = panel_service.PanelFields.from_snapshot(snapshot)
    fields.signed_off_version, fields.signed_off_date = snapshot.version, today
    if not panel_service.update_panel(snapshot, user, fields):
        raise DeploymentFailed(f"Panel {snapshot.panel_id}: version {snapshot.version} is already signed off today.")


def _record(
    deployment: ReleaseDeployment, release_panels: list[ReleasePanel], before: dict[int, GenePanelSnapshot]
) -> None:
    ids = [rp.panel_id for rp in release_panels]
    after = {
        s.panel_id: s
        for s in GenePanelSnapshot.objects.select_related("panel", "panel__signed_off").filter(panel_id__in=ids)
    }
    wanted = Q(pk__in=[])
    for panel_id in ids:
        old_version = before[panel_id].version_tuple
        wanted |= Q(panel_id=panel_id, major_version=old_version.major, minor_version=old_version.minor)
        signed = after[panel_id].panel.signed_off
        if signed is not None:
            wanted |= Q(pk=signed.pk)
    frozen = {
        (h.panel_id, h.version): h
        for h in HistoricalSnapshot.objects.filter(wanted).only("pk", "panel_id", "major_version", "minor_version")
    }
    records = []
    for release_panel in release_panels:
        old, new = before[release_panel.panel_id], after[release_panel.panel_id]
        signed = new.panel.signed_off
        signed_version = signed.version if signed is not None else ""
        records.append(
            ReleasePanelDeployment(
                deployment=deployment,
                release_panel=release_panel,
                panel_id=release_panel.panel_id,
                promoted=release_panel.promote,
                version_before=old.version,
                signed_off_version=signed_version,
                version_after=new.version,
                signed_off_before=old.panel.signed_off.version if old.panel.signed_off else "",
                comment_before=old.version_comment or "",
                comment_after=new.version_comment or "",
                before=frozen.get((release_panel.panel_id, old.version)),
                after=frozen.get((release_panel.panel_id, signed_version)),
            )
        )
    ReleasePanelDeployment.objects.bulk_create(records)
