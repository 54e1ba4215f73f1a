"""Comparing two panels: the form, every entity of both side by side, one entity's reviews on both."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.generic import TemplateView, View

from accounts.roles import is_curator

from ..forms.compare import ComparePanelsForm
from ..models import GenePanelSnapshot
from ..selectors import compare as compare_selectors
from ..selectors.gene_names import gene_symbol
from ..selectors.panels import live_snapshot
from ..visibility import listable_statuses, readable_statuses
from ..vocab import EntityType, gel_status_colour, gel_status_label


def compare_form(request: HttpRequest, data: Any = None, initial: dict[str, Any] | None = None) -> ComparePanelsForm:
    choices = compare_selectors.panel_choices(listable_statuses(request.user))
    return ComparePanelsForm(data, choices=choices, initial=initial)


class CompareFormView(View):
    """``/panels/compare/``: choose two panels (``?panel_1=&panel_2=`` goes to their comparison)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = compare_form(request, request.GET if request.GET else None)
        if form.is_bound and form.is_valid():
            return redirect("panels:compare", form.cleaned_data["panel_1"], form.cleaned_data["panel_2"])
        status = 400 if form.is_bound else 200
        return render(request, "panels/compare_form.html", {"form": form}, status=status)


class TwoPanelsMixin(View):
    def two_panels(self) -> tuple[GenePanelSnapshot, GenePanelSnapshot]:
        statuses = readable_statuses(self.request.user)
        first = live_snapshot(self.kwargs["first"], statuses)
        second = live_snapshot(self.kwargs["second"], statuses)
        if first is None or second is None:
            raise Http404("No such panel.")
        return first, second


def side_view(side: compare_selectors.Side | None) -> dict[str, Any] | None:
    if side is None:
        return None
    entity = side.entity
    return {
        "entity": entity,
        "panel_id": entity.panel.panel_id,
        "reviews": side.reviews,
        "colour": gel_status_colour(entity.saved_gel_status, entity.flagged),
        "label": gel_status_label(entity.saved_gel_status, entity.flagged),
    }


class ComparePanelsView(TwoPanelsMixin, TemplateView):
    template_name = "panels/compare_panels.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        first, second = self.two_panels()
        rows = compare_selectors.compare_panels(first, second)
        context.update(
            first=first,
            second=second,
            rows=[
                {"type": r.entity_type, "name": r.name, "first": side_view(r.first), "second": side_view(r.second)}
                for r in rows
            ],
            on_both=sum(1 for r in rows if r.on_both),
            genes_on_both=sum(1 for r in rows if r.on_both and r.entity_type == EntityType.GENE),
            can_copy=is_curator(self.request.user),
            form=compare_form(self.request, initial={"panel_1": first.panel_id, "panel_2": second.panel_id}),
        )
        return context


class CompareEntityView(TwoPanelsMixin, TemplateView):
    """``/panels/compare/<first>/<second>/<name>`` (``?type=str`` or ``region``; a gene otherwise)."""

    template_name = "panels/compare_entity.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        first, second = self.two_panels()
        try:
            entity_type = EntityType(self.request.GET.get("type") or EntityType.GENE)
        except ValueError:
            raise Http404("Entity types are gene, str and region.") from None
        name = gene_symbol(self.kwargs["name"]) if entity_type == EntityType.GENE else self.kwargs["name"]
        compared = compare_selectors.compare_entity(first, second, entity_type, name)
        if compared.first is None and compared.second is None:
            raise Http404(f"Neither panel has {name}.")
        context.update(
            first=first,
            second=second,
            name=name,
            entity_type=str(entity_type),
            sides=[
                (first, compared.first, compared.first_page),
                (second, compared.second, compared.second_page),
            ],
        )
        return context
