"""Panel list, panel page, and the curator's panel actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView, View

from accounts.roles import is_curator

from .. import cache as panel_cache
from ..forms.common import apply_service_errors
from ..forms.panel import PanelForm, PanelStatusForm, PromoteForm
from ..selectors import panels as panel_selectors
from ..selectors.gene_names import gene_symbol
from ..selectors.tables import PanelTables
from ..services import panels as panel_service
from ..visibility import listable_statuses
from ..vocab import PanelStatus
from .mixins import CuratorRequiredMixin, PanelMixin
from .text import query_text


class PanelListView(TemplateView):
    template_name = "panels/panel_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        search = query_text(self.request, "search")
        gene = gene_symbol(query_text(self.request, "gene"))
        rows = panel_selectors.panel_list_rows(listable_statuses(self.request.user), search, gene)
        context.update(panels=rows, search=search, gene=gene)
        return context


class PanelDetailView(PanelMixin, TemplateView):
    template_name = "panels/panel_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        snapshot = self.snapshot
        page = panel_selectors.panel_page(snapshot)
        context.update(
            snapshot=snapshot,
            panel=snapshot.panel,
            title=snapshot.level4title,
            tables=PanelTables(snapshot, page.super_panel),
            revision=panel_cache.revision(snapshot),
            cache_timeout=panel_cache.TIMEOUT,
            super_panel=page.super_panel,
            children=page.children,
            parents=page.parents,
            signed_off_versions=page.signed_off_versions,
            versions=page.versions,
            promote_form=kwargs.get("promote_form") or PromoteForm(),
            is_curator=is_curator(self.request.user),
        )
        return context


class PanelCreateView(CuratorRequiredMixin, FormView):
    template_name = "panels/panel_form.html"
    form_class = PanelForm

    def form_valid(self, form):
        try:
            snapshot = panel_service.create_panel(self.signed_in_user, form.to_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Panel {snapshot.level4title.name} created (version {snapshot.version}).")
        return redirect("panels:detail", snapshot.panel_id)


class PanelUpdateView(CuratorRequiredMixin, PanelMixin, FormView):
    template_name = "panels/panel_form.html"
    form_class = PanelForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["snapshot"] = self.snapshot
        return kwargs

    def get_initial(self):
        return PanelForm.initial_for(self.snapshot)

    def get_context_data(self, **kwargs):
        return super().get_context_data(snapshot=self.snapshot, **kwargs)

    def form_valid(self, form):
        try:
            changed = panel_service.update_panel(self.snapshot, self.signed_in_user, form.to_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        if changed:
            messages.success(self.request, f"Panel saved as version {self.snapshot.version}.")
        else:
            messages.info(self.request, "Nothing changed, so the version stays the same.")
        return redirect("panels:detail", self.snapshot.panel_id)


class PanelPromoteView(CuratorRequiredMixin, PanelMixin, View):
    def post(self, request, pk):
        form = PromoteForm(request.POST)
        if form.is_valid():
            try:
                panel_service.promote(self.snapshot, request.user, form.cleaned_data["version_comment"])
            except ValidationError as error:
                apply_service_errors(form, error)
        if not form.is_valid() or form.errors:
            view = PanelDetailView(request=request, kwargs={"pk": pk})
            context = view.get_context_data(promote_form=form)
            return view.render_to_response(context, status=400)
        messages.success(request, f"Panel promoted to version {self.snapshot.version}.")
        return redirect("panels:detail", pk)


class PanelStatusView(CuratorRequiredMixin, PanelMixin, View):
    """Approve (public), reject (internal) or delete, without a new version."""

    def post(self, request, pk):
        form = PanelStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose public, internal or deleted.")
            return redirect("panels:detail", pk)
        panel_service.set_status(self.snapshot, request.user, form.cleaned_data["status"])
        messages.success(request, f"Panel status is now {form.cleaned_data['status']}.")
        if form.cleaned_data["status"] == PanelStatus.DELETED:
            return redirect("panels:index")
        return redirect("panels:detail", pk)


class PanelMarkNotReadyView(CuratorRequiredMixin, PanelMixin, View):
    def post(self, request, pk):
        panel_service.mark_not_ready(self.snapshot, request.user)
        messages.success(request, "All entities are marked not ready.")
        return redirect("panels:detail", pk)


def legacy_panel_redirect(request: HttpRequest, old_pk: str, rest: str) -> HttpResponsePermanentRedirect:
    """``/panels/<24-hex legacy id>/...`` -> ``/panels/<id>/...`` (permanent)."""
    panel_id = panel_selectors.panel_id_of_legacy_id(old_pk)
    if panel_id is None:
        raise Http404("No panel has this legacy id.")
    return HttpResponsePermanentRedirect(f"/panels/{panel_id}/{rest}")
