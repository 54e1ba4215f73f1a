"""The read side of releases: each page reads in a fixed number of queries, whatever the number
of panels in the release (the panels are shown a page at a time)."""

from __future__ import annotations

from collections import defaultdict

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from panels.models import GenePanelSnapshot
from panels.versions import Version

from .models import Release, ReleaseDeployment, ReleasePanel, ReleasePanelDeployment
from .plan import PanelPlan, PanelState, plan

PANELS_PER_PAGE = 100
RELEASES_PER_PAGE = 50


DEPLOYMENT_FILTERS = ("pending", "done")


def releases_page(number: int | str | None, *, search: str = "", deployment: tuple[str, ...] = ()) -> Page:
    """Newest first; ``search`` in the name, ``deployment`` "pending" (not deployed yet) and/or "done"."""
    releases = (
        Release.objects.annotate(panel_count=Count("release_panels"))
        .select_related("deployment")
        .order_by("-created", "-pk")
    )
    if search:
        releases = releases.filter(name__icontains=search)
    if deployment and set(deployment) != set(DEPLOYMENT_FILTERS):
        done = Q(deployment__state=ReleaseDeployment.State.DONE)
        releases = releases.filter(done if "done" in deployment else ~done | Q(deployment__isnull=True))
    return Paginator(releases, RELEASES_PER_PAGE).get_page(number)


def release_by_id(pk: int) -> Release | None:
    return Release.objects.select_related("deployment", "deployment__user", "created_by").filter(pk=pk).first()


def deployment_of(release: Release) -> ReleaseDeployment | None:
    try:
        return release.deployment
    except ReleaseDeployment.DoesNotExist:
        return None


def release_panels(release: Release) -> QuerySet[ReleasePanel]:
    return release.release_panels.select_related("panel", "panel__snapshot", "panel__snapshot__level4title").order_by(
        "panel_id"
    )


def release_panels_page(release: Release, number: int | str | None) -> Page:
    return Paginator(release_panels(release), PANELS_PER_PAGE).get_page(number)


def release_plan(release: Release) -> dict[int, PanelPlan]:
    """The preview of every panel of the release (two queries)."""
    rows = release.release_panels.values_list(
        "panel_id",
        "promote",
        "panel__snapshot__major_version",
        "panel__snapshot__minor_version",
        "panel__signed_off__major_version",
        "panel__signed_off__minor_version",
    )
    states = [
        PanelState(
            panel_id=panel_id,
            version=Version(major, minor),
            promote=promote,
            signed_off=f"{so_major}.{so_minor}" if so_major is not None else "",
        )
        for panel_id, promote, major, minor, so_major, so_minor in rows
    ]
    ids = [s.panel_id for s in states]
    parents: dict[int, list[int]] = defaultdict(list)
    links = GenePanelSnapshot.child_panels.through.objects.filter(
        to_genepanelsnapshot__panel_id__in=ids, from_genepanelsnapshot__panel_id__in=ids
    ).values_list("to_genepanelsnapshot__panel_id", "from_genepanelsnapshot__panel_id")
    for child, parent in links:
        parents[child].append(parent)
    return plan(states, parents)


def release_counts(release: Release) -> tuple[int, int]:
    """(panels, of which promoted)."""
    counts = release.release_panels.aggregate(total=Count("pk"), promote=Count("pk", filter=Q(promote=True)))
    return counts["total"], counts["promote"]


def deployment_record_page(deployment: ReleaseDeployment, number: int | str | None) -> Page:
    records = ReleasePanelDeployment.objects.filter(deployment=deployment).select_related(
        "panel", "panel__snapshot__level4title"
    )
    return Paginator(records.order_by("panel_id"), PANELS_PER_PAGE).get_page(number)


def export_rows(release: Release) -> list[tuple[int, bool, str]]:
    return list(release.release_panels.order_by("panel_id").values_list("panel_id", "promote", "panel__name"))
