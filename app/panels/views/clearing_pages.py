"""The curators' one-click clear buttons on the entity page (POST)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from ..services import clearing
from .entity_pages import entity_url
from .mixins import CuratorRequiredMixin, EntityMixin

#: The address's last word -> the field it clears (PanelApp's ``clear_entity_<field>``).
FIELDS = {
    "phenotypes": "phenotypes",
    "publications": "publications",
    "mode_of_pathogenicity": "mode_of_pathogenicity",
    "transcript": "transcript",
}
LABELS = {
    "phenotypes": "phenotypes",
    "publications": "publications",
    "mode_of_pathogenicity": "mode of pathogenicity",
    "transcript": "transcript",
}


def _done(request: HttpRequest, changed: bool, what: str, snapshot: Any) -> None:
    if changed:
        snapshot.refresh_from_db()
        messages.success(request, f"Cleared the {what}. The panel is at version {snapshot.version}.")
    else:
        messages.info(request, f"There was no {what} to clear, so the version stays the same.")


class ClearFieldView(CuratorRequiredMixin, EntityMixin):
    def post(self, request: HttpRequest, *args: Any, field: str, **kwargs: Any) -> HttpResponse:
        attr = FIELDS.get(field)
        if attr is None or not clearing.clearable(self.entity, attr):
            raise Http404("This cannot be cleared here.")
        changed = clearing.clear_field(self.snapshot, self.entity, self.signed_in_user, attr)
        _done(request, changed, LABELS[attr], self.snapshot)
        return redirect(entity_url(self.snapshot.panel_id, self.entity) + "#details")


class ClearSourcesView(CuratorRequiredMixin, EntityMixin):
    """``clear_entity_sources`` (every source) and ``clear_entity_source/<source>/`` (one)."""

    def post(self, request: HttpRequest, *args: Any, source: str | None = None, **kwargs: Any) -> HttpResponse:
        if source is not None and not self.entity.evidence.filter(name=source).exists():
            raise Http404(f"{self.entity.name} has no source {source!r}.")
        changed = clearing.clear_sources(self.snapshot, self.entity, self.signed_in_user, source)
        _done(request, changed, "sources" if source is None else f"source {source}", self.snapshot)
        return redirect(entity_url(self.snapshot.panel_id, self.entity) + "#details")
