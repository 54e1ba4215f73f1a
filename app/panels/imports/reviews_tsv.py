"""Reviews TSV upload (reference §6.4): reviews written on behalf of named users.

22 columns; each row adds to (or creates) that user's review of a gene on a panel. Validated whole
first (a fixed number of queries for the whole file), then one minor version per panel and every
review written in bulk, in one transaction.
"""

from __future__ import annotations

from typing import BinaryIO

from django.contrib.auth import get_user_model
from django.db import transaction

from ..models import GenePanelEntrySnapshot, GenePanelSnapshot
from ..services.review_batch import ReviewBatch
from ..services.reviews import ReviewFields
from ..services.stats import recalculate_stats_of_panels
from ..services.versioning import bump_panels
from ..vocab import MOI_VALUES, MOP_CHOICES, PanelStatus, ReviewRating
from .common import ImportRejected, Problem, parse_bool, read_tsv, sorted_problems, split_list

COLUMNS = (
    "Gene_Symbol",
    "Sources",
    "Level4",
    "Level3",
    "Level2",
    "Model_Of_Inheritance",
    "Phenotypes",
    "Omim",
    "Orphanet",
    "HPO",
    "Publications",
    "Description",
    "Flagged",
    "GEL_Status",
    "UserRatings_Green_amber_red",
    "version",
    "ready",
    "Mode of pathogenicity",
    "Rate",
    "Current Diagnostic",
    "Comments",
    "Username",
)
COLUMN = {name: index for index, name in enumerate(COLUMNS)}
RATES = {**{value: value for value in ReviewRating.values}, **{label: value for value, label in ReviewRating.choices}}
MOP_BY_TEXT = {**{label: value for value, label in MOP_CHOICES}, **{value: value for value, _ in MOP_CHOICES}}


def _cell(cells, name):
    index = COLUMN[name]
    return cells[index] if index < len(cells) else ""


def import_reviews_tsv(source: bytes | BinaryIO, uploader) -> dict:
    """Import a reviews TSV (``uploader`` is the curator). All or nothing; raises ImportRejected."""
    problems: list[Problem] = []
    parsed = []
    for line, cells in read_tsv(source, problems):
        if not any(cells):
            problems.append(Problem(line, "", "Empty lines are not allowed"))
            continue
        if len(cells) < len(COLUMNS):
            problems.append(Problem(line, "", f"has {len(cells)} columns; review rows need {len(COLUMNS)}"))
            continue
        before = len(problems)
        rate = _cell(cells, "Rate")
        if rate and rate.upper() in RATES:
            rate = rate.upper()
        if rate and rate not in RATES:
            problems.append(Problem(line, "Rate", f"{rate!r} is not GREEN, AMBER or RED"))
        moi = _cell(cells, "Model_Of_Inheritance")
        if moi and moi not in MOI_VALUES:
            problems.append(
                Problem(line, "Model_Of_Inheritance", f"{moi!r} is not a mode of inheritance PanelApp knows")
            )
        mop = _cell(cells, "Mode of pathogenicity")
        if mop and mop not in MOP_BY_TEXT:
            problems.append(
                Problem(line, "Mode of pathogenicity", f"{mop!r} is not a mode of pathogenicity PanelApp knows")
            )
        diagnostic = parse_bool(_cell(cells, "Current Diagnostic"))
        if diagnostic is None:
            problems.append(Problem(line, "Current Diagnostic", "must be True or False"))
        for required in ("Gene_Symbol", "Level4", "Username"):
            if not _cell(cells, required):
                problems.append(Problem(line, required, "is required"))
        if len(problems) > before:
            continue
        parsed.append(
            (
                line,
                _cell(cells, "Username"),
                _cell(cells, "Level4"),
                _cell(cells, "Gene_Symbol"),
                ReviewFields(
                    rating=RATES.get(rate, ""),
                    moi=moi,
                    mode_of_pathogenicity=MOP_BY_TEXT.get(mop, ""),
                    phenotypes=split_list(_cell(cells, "Phenotypes")),
                    publications=split_list(_cell(cells, "Publications")),
                    current_diagnostic=bool(diagnostic),
                    comment=_cell(cells, "Comments"),
                ),
            )
        )
    if not parsed and not problems:
        problems.append(Problem(2, "", "The file has a header but no rows."))

    users = {u.username: u for u in get_user_model().objects.filter(username__in={p[1] for p in parsed})}
    snapshots = {
        s.level4title.name: s
        for s in GenePanelSnapshot.objects.select_related("panel", "level4title")
        .filter(panel__name__in={p[2] for p in parsed})
        .exclude(panel__status=PanelStatus.DELETED)
    }
    by_snapshot = {s.pk: name for name, s in snapshots.items()}
    entities = {
        (by_snapshot[e.panel_id], e.gene_core_id): e
        for e in GenePanelEntrySnapshot.objects.filter(
            panel_id__in=list(by_snapshot), gene_core_id__in={p[3] for p in parsed}
        ).order_by("-id")  # the first of any duplicates wins, as ``.first()`` picked it
    }
    for line, username, panel_name, symbol, _ in parsed:
        if username not in users:
            problems.append(Problem(line, "Username", f"there is no user {username!r}"))
        if panel_name not in snapshots:
            problems.append(Problem(line, "Level4", f"there is no panel named {panel_name!r}"))
        elif (panel_name, symbol) not in entities:
            problems.append(Problem(line, "Gene_Symbol", f"{symbol} is not on the panel {panel_name}"))
    if problems:
        raise ImportRejected(sorted_problems(problems))

    touched = list({item[2]: snapshots[item[2]] for item in parsed}.values())
    with transaction.atomic():
        bump_panels(touched, comment="Reviews upload")
        batch = ReviewBatch([(entities[(p[2], p[3])], users[p[1]]) for p in parsed])
        for _line, username, panel_name, symbol, fields in parsed:
            batch.apply(snapshots[panel_name], entities[(panel_name, symbol)], users[username], fields)
        batch.save()
        recalculate_stats_of_panels(touched)
    versions = {snapshot.panel_id: snapshot.version for snapshot in touched}
    return {"panels": versions, "reviews": len(parsed), "rows": len(parsed)}
