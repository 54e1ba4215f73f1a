"""Genes, STRs and regions across panels: the A-Z list and the page of one name."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import redirect
from django.views.generic import TemplateView

from ..models import STR, Gene, GenePanelEntrySnapshot, GenePanelSnapshot, Region
from ..queries import entity_queryset
from ..vocab import gel_status_colour, gel_status_label
from .panel_pages import listable_statuses
from .text import query_text


class EntityIndexView(TemplateView):
    """Every gene, STR and region on a visible panel, A-Z, optionally by tag."""

    template_name = "panels/entity_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statuses = listable_statuses(self.request.user)
        tag = query_text(self.request, "tag")
        names = {}
        for model, kind, field in (
            (GenePanelEntrySnapshot, "gene", "gene_core_id"),
            (STR, "str", "name"),
            (Region, "region", "name"),
        ):
            qs = model.objects.filter(panel__panel__status__in=statuses)
            if tag:
                qs = qs.filter(tags__name=tag)
            for name, count in qs.values_list(field).annotate(n=Count("id")).order_by():
                names[(name, kind)] = count
        context["entities"] = [
            {"name": name, "type": kind, "panels": count}
            for (name, kind), count in sorted(names.items(), key=lambda i: i[0][0].upper())
        ]
        context["tag"] = tag
        return context


class EntityAcrossPanelsView(TemplateView):
    """Which panels hold a gene (or STR or region), with its rating, MOI, sources and tags."""

    template_name = "panels/entity_panels.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        name = self.kwargs["name"].replace("\x00", "")
        statuses = listable_statuses(self.request.user)
        rows = []
        for model, field in ((GenePanelEntrySnapshot, "gene_core_id"), (STR, "name"), (Region, "name")):
            qs = (
                entity_queryset(model, with_panel=True)
                .filter(**{field: name}, panel__panel__status__in=statuses)
                .order_by("panel__level4title__name")
            )
            for entity in qs:
                rows.append(
                    {
                        "entity": entity,
                        "type": str(entity.entity_type),
                        "snapshot": entity.panel,
                        "colour": gel_status_colour(entity.saved_gel_status, entity.flagged),
                        "label": gel_status_label(entity.saved_gel_status, entity.flagged),
                        "sources": entity.evidence_names,
                        "tags": entity.tag_names,
                    }
                )
        holding = [row["snapshot"].pk for row in rows]
        supers = (
            GenePanelSnapshot.objects.filter(child_panels__in=holding, panel__status__in=statuses)
            .select_related("level4title")
            .distinct()
        )
        context.update(
            name=name,
            gene=Gene.objects.filter(gene_symbol=name).first(),
            rows=rows,
            superpanels=supers,
        )
        return context


def gene_redirect(request, name):
    """``/panels/genes/<name>`` is the old address of the entity page."""
    return redirect("panels:entity_panels", name=name, permanent=True)
