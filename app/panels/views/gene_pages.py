"""Genes, STRs and regions across panels: the A-Z list and the page of one name."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.views.generic import TemplateView

from ..selectors import entities as entity_selectors
from ..selectors.entity_tags import entity_across_panels_tagged
from ..selectors.gene_names import symbol_of_hgnc_id
from ..visibility import listable_statuses
from .text import query_text


class EntityIndexView(TemplateView):
    """Every gene, STR and region on a visible panel, A-Z, optionally by tag."""

    template_name = "panels/entity_index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        tag = query_text(self.request, "tag")
        context["entities"] = entity_selectors.entity_index(listable_statuses(self.request.user), tag)
        context["tag"] = tag
        return context


class EntityAcrossPanelsView(TemplateView):
    """Which panels hold a gene (or STR or region), with its rating, MOI, sources and tags."""

    template_name = "panels/entity_panels.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        symbol = symbol_of_hgnc_id(self.kwargs["name"])
        if symbol is not None:  # a gene named by its HGNC id: the page of its symbol
            return redirect("panels:entity_panels", name=symbol)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        name = self.kwargs["name"].replace("\x00", "")
        tag = query_text(self.request, "tag_filter")
        across, tags = entity_across_panels_tagged(name, listable_statuses(self.request.user), tag)
        context.update(
            name=name, gene=across.gene, rows=across.rows, superpanels=across.superpanels, tags=tags, tag_filter=tag
        )
        return context


def gene_redirect(request: HttpRequest, name: str) -> HttpResponsePermanentRedirect:
    """``/panels/genes/<name>`` is the old address of the entity page."""
    return redirect("panels:entity_panels", name=name, permanent=True)
