"""The operations commands Genomics England's PanelApp has: ``activate_genes``, ``set_panel_types``
and an anonymiser for non-production copies (``anonymise_users``). Each runs in one transaction."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models import Model
from rest_framework.authtoken.models import Token

from accounts.models import Reviewer, User

from ..models import Activity, Gene, GenePanel, GenePanelSnapshot, PanelType, TrackRecord
from .versioning import panel_change


class OperationRefused(Exception):
    """The command was asked for something it will not do; nothing was changed."""


# -- activate_genes -------------------------------------------------------------------------------


@dataclass
class ActivatedGenes:
    inactive: int
    without_ensembl: int
    activated: list[str]


def activate_genes() -> ActivatedGenes:
    """Inactive genes that have Ensembl data become active again (those without stay inactive)."""
    with transaction.atomic():
        inactive = list(Gene.objects.filter(active=False).order_by("pk").values_list("pk", "ensembl_genes"))
        activate = [symbol for symbol, ensembl in inactive if ensembl]
        Gene.objects.filter(pk__in=activate).update(active=True)
    return ActivatedGenes(inactive=len(inactive), without_ensembl=len(inactive) - len(activate), activated=activate)


# -- set_panel_types ------------------------------------------------------------------------------


@dataclass
class PanelTypesResult:
    rows: int
    added: int
    panels: int


def set_panel_types(lines: Iterable[str]) -> PanelTypesResult:
    """Add the types of a ``panel_id,panel_type_slug`` CSV (header first) to the panels it names.

    Types are added, never removed (a pair already set is left as it is), with no new version, as
    in PanelApp. Unlike PanelApp, a file with any bad row (a panel or a type that does not exist, a
    row without exactly two values) changes nothing and every problem is reported.
    """
    reader = csv.reader(lines)
    next(reader, None)  # the header
    pairs: list[tuple[int, str, int]] = []
    problems: list[str] = []
    for number, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != 2:
            problems.append(f"line {number}: expected panel_id,panel_type_slug, got {len(row)} value(s)")
            continue
        raw_id, slug = (cell.strip() for cell in row)
        if not raw_id.isdigit():
            problems.append(f"line {number}: {raw_id!r} is not a panel id")
            continue
        pairs.append((int(raw_id), slug, number))
    panels = {p.pk: p for p in GenePanel.objects.filter(pk__in={pk for pk, _, _ in pairs})}
    types = {t.slug: t for t in PanelType.objects.filter(slug__in={slug for _, slug, _ in pairs})}
    for panel_id, slug, number in pairs:
        if panel_id not in panels:
            problems.append(f"line {number}: no panel with id {panel_id}")
        if slug not in types:
            problems.append(f"line {number}: no panel type with slug {slug!r}")
    if problems:
        raise OperationRefused("; ".join(problems))
    wanted: dict[int, list[str]] = {}
    for panel_id, slug, _ in pairs:
        wanted.setdefault(panel_id, []).append(slug)
    added = 0
    with transaction.atomic():
        snapshots = {s.panel_id: s for s in GenePanelSnapshot.objects.with_panel().filter(panel_id__in=list(wanted))}
        for panel_id, slugs in sorted(wanted.items()):
            have = set(panels[panel_id].types.values_list("slug", flat=True))
            new = [types[slug] for slug in dict.fromkeys(slugs) if slug not in have]
            if not new:
                continue
            # No new version (as in PanelApp); the change still refreshes the panel's cached answers.
            with panel_change(snapshots[panel_id], bump=False):
                panels[panel_id].types.add(*new)
            added += len(new)
    return PanelTypesResult(rows=len(pairs), added=added, panels=len(wanted))


# -- anonymise_users ------------------------------------------------------------------------------

ANONYMISED_DOMAIN = "anonymised.invalid"


@dataclass
class AnonymisedCopy:
    users: int
    rewritten: dict[str, int] = field(default_factory=dict)
    cleared: dict[str, int] = field(default_factory=dict)


def database_name() -> str:
    return str(connection.settings_dict["NAME"])


def anonymise_users(*, confirm: str, password: str | None = None) -> AnonymisedCopy:
    """Replace every user's name, username, email address, affiliation and password, and the
    names written into activity lines, entity history and version comments; delete sessions,
    API tokens (new ones are made) and login records.

    Refused unless ``settings.PANELAPP_NON_PRODUCTION`` (PANELAPP_NON_PRODUCTION=true under the
    production settings; always for the embedded default) and ``confirm`` is the name of the
    database it is connected to.
    """
    if not getattr(settings, "PANELAPP_NON_PRODUCTION", False):
        raise OperationRefused(
            "this installation is not marked as a non-production copy: set PANELAPP_NON_PRODUCTION=true "
            "on the copy (never on production) to anonymise it"
        )
    name = database_name()
    if confirm != name:
        raise OperationRefused(f"give --confirm {name} (the database this would anonymise) to go ahead")
    hashed = make_password(password) if password else make_password(None)
    result = AnonymisedCopy(users=0)
    with transaction.atomic():
        users = list(User.objects.select_related("reviewer").order_by("pk"))
        replacements: list[tuple[str, str]] = []
        for user in users:
            new_name = f"User {user.pk}"
            old = [user.reviewer_label(), user.display_name(), user.get_full_name().strip()]
            replacements += [(text, new_name) for text in old if len(text) >= 3]
            user.username = f"user{user.pk}"
            user.first_name, user.last_name = "User", str(user.pk)
            user.email = f"user{user.pk}@{ANONYMISED_DOMAIN}"
            user.password = hashed
        User.objects.bulk_update(users, ["username", "first_name", "last_name", "email", "password"], batch_size=500)
        Reviewer.objects.update(affiliation="")
        result.users = len(users)
        # Longest first, so "Jane Doe (NHS)" is replaced before "Jane Doe".
        replacements = sorted(set(replacements), key=lambda pair: -len(pair[0]))
        names = {user.pk: f"User {user.pk}" for user in users}
        result.rewritten["activity lines"] = _rewrite_activity(replacements, names)
        result.rewritten["entity history lines"] = _rewrite(TrackRecord, "issue_description", replacements)
        result.rewritten["version comments"] = _rewrite(GenePanelSnapshot, "version_comment", replacements)
        result.cleared["sessions"] = Session.objects.all().delete()[0]
        result.cleared["API tokens"] = Token.objects.all().delete()[0]
        Token.objects.bulk_create([Token(user=user, key=Token.generate_key()) for user in users])
        result.cleared["login records"] = _clear_login_records()
    return result


def _replace(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        if old in text:
            text = text.replace(old, new)
    return text


def _rewrite(model: type[Model], column: str, replacements: list[tuple[str, str]]) -> int:
    changed = []
    for row in model._default_manager.exclude(**{f"{column}__isnull": True}).only("pk", column).iterator(2000):
        text = getattr(row, column) or ""
        new = _replace(text, replacements)
        if new != text:
            setattr(row, column, new)
            changed.append(row)
    model._default_manager.bulk_update(changed, [column], batch_size=500)
    return len(changed)


def _rewrite_activity(replacements: list[tuple[str, str]], names: dict[int, str]) -> int:
    changed = []
    for activity in Activity.objects.only("pk", "text", "extra_data", "user_id").iterator(2000):
        extra = dict(activity.extra_data or {})
        if activity.user_id in names and extra.get("user_name"):
            extra["user_name"] = names[activity.user_id]
        elif isinstance(extra.get("user_name"), str):
            extra["user_name"] = _replace(extra["user_name"], replacements)
        text = _replace(activity.text, replacements)
        if text != activity.text or extra != (activity.extra_data or {}):
            activity.text, activity.extra_data = text, extra
            changed.append(activity)
    Activity.objects.bulk_update(changed, ["text", "extra_data"], batch_size=500)
    return len(changed)


def _clear_login_records() -> int:
    """django-axes keeps usernames and client addresses of logins and failed attempts."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return sum(model.objects.all().delete()[0] for model in (AccessAttempt, AccessFailureLog, AccessLog))
