"""Panel list, panel page, and the curator's panel actions."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView, View

from accounts.roles import is_curator

from .. import cache as panel_cache
from .. import queries
from ..entity_rows import GENE_NONE, panel_entity_rows
from ..forms.common import apply_service_errors
from ..forms.panel import PanelForm, PanelStatusForm, PromoteForm
from ..models import STR, GenePanelEntrySnapshot, GenePanelSnapshot, HistoricalSnapshot, Region
from ..services import panels as panel_service
from ..vocab import VISIBLE_STATUSES, PanelStatus, gel_status_colour, gel_status_label
from .mixins import CuratorRequiredMixin, PanelMixin
from .text import query_text


def listable_statuses(user) -> list[str]:
    """Everyone sees public panels; curators also see internal and retired ones."""
    statuses = list(VISIBLE_STATUSES)
    if is_curator(user):
        statuses += [PanelStatus.INTERNAL, PanelStatus.RETIRED]
    return statuses


def super_and_child_ids() -> tuple[set[int], set[int]]:
    links = GenePanelSnapshot.child_panels.through.objects.values_list(
        "from_genepanelsnapshot_id", "to_genepanelsnapshot_id"
    )
    parents, children = set(), set()
    for parent, child in links:
        parents.add(parent)
        children.add(child)
    return parents, children


class PanelListView(TemplateView):
    template_name = "panels/panel_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        search = query_text(request, "search")
        gene = query_text(request, "gene")
        qs = GenePanelSnapshot.objects.with_panel().filter(panel__status__in=listable_statuses(request.user))
        if search:
            qs = qs.filter(queries.panel_lookup_q(search))
        if gene:
            holding = set(
                GenePanelEntrySnapshot.objects.filter(gene_core__gene_symbol__iexact=gene).values_list(
                    "panel_id", flat=True
                )
            )
            holding |= set(
                GenePanelSnapshot.child_panels.through.objects.filter(to_genepanelsnapshot_id__in=holding).values_list(
                    "from_genepanelsnapshot_id", flat=True
                )
            )
            qs = qs.filter(pk__in=holding)
        parents, children = super_and_child_ids()
        context.update(
            panels=[
                {"snapshot": s, "is_super": s.pk in parents, "is_child": s.pk in children, "stats": s.stats or {}}
                for s in qs.ordered_by_name()
            ],
            search=search,
            gene=gene,
        )
        return context


def review_counts(model, snapshot_ids: list[int]) -> dict[int, int]:
    """Reviews per entity of these panels (by panel, not by a list of a thousand entity ids)."""
    column = f"{model._meta.model_name}_id"
    rows = (
        model.evaluation.through.objects.filter(**{f"{model._meta.model_name}__panel_id__in": snapshot_ids})
        .values(column)
        .annotate(n=Count("id"))
        .values_list(column, "n")
    )
    return dict(rows)


def entity_path(panel_id: int, entity_type: str, name: str) -> str:
    """``/panels/<id>/<type>/<name>/`` without a reverse() per row (thousands per page)."""
    return f"/panels/{panel_id}/{entity_type}/{quote(name, safe='')}/"


def entity_rows(snapshot: GenePanelSnapshot, super_panel: bool):
    """Plain rows for the panel page's tables, in a fixed number of queries (entity_rows: no model
    instances, which would cost more than the rest of the page)."""
    ids = queries.snapshot_ids_for_entities(snapshot)
    tables = {}
    entities_of = dict(zip(("genes", "strs", "regions"), panel_entity_rows(snapshot, gene=GENE_NONE)))
    for key, model in (("genes", GenePanelEntrySnapshot), ("strs", STR), ("regions", Region)):
        entities = entities_of[key]
        reviews = review_counts(model, ids)
        rows = []
        kind = "gene" if key == "genes" else key[:-1]
        for entity in entities:
            status = entity.saved_gel_status or 0
            panel_id = entity.panel.panel_id if super_panel else snapshot.panel_id
            rows.append(
                {
                    "name": entity.name,
                    "type": kind,
                    "url": entity_path(panel_id, kind, entity.name),
                    "status": status,
                    "colour": gel_status_colour(status, entity.flagged),
                    "label": gel_status_label(status, entity.flagged),
                    "ready": entity.ready,
                    "moi": entity.moi,
                    "sources": entity.evidence_names,
                    "tags": entity.tag_names,
                    "reviews": reviews.get(entity.pk, 0),
                    "panel_id": panel_id,
                    "panel_name": entity.panel.level4title.name if super_panel else None,
                    "location": getattr(entity, "chromosome", None),
                    "flagged": entity.flagged,
                }
            )
        rows.sort(key=lambda r: (1 if r["flagged"] else -min(r["status"], 3), r["name"].lower()))
        tables[key] = rows
    return tables


class PanelTables:
    """The panel page's entity tables, built only if the template's cached fragment is missing."""

    def __init__(self, snapshot: GenePanelSnapshot, super_panel: bool):
        self.snapshot, self.super_panel = snapshot, super_panel

    @cached_property
    def rows(self) -> dict:
        return entity_rows(self.snapshot, self.super_panel)

    @cached_property
    def counts(self) -> dict:
        return {key: _counts(rows) for key, rows in self.rows.items()}


class PanelDetailView(PanelMixin, TemplateView):
    template_name = "panels/panel_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        snapshot = self.snapshot
        super_panel = snapshot.is_super_panel()
        signed_off = HistoricalSnapshot.objects.filter(panel_id=snapshot.panel_id, signed_off_date__isnull=False).only(
            "major_version", "minor_version", "signed_off_date"
        )
        context.update(
            snapshot=snapshot,
            panel=snapshot.panel,
            title=snapshot.level4title,
            tables=PanelTables(snapshot, super_panel),
            revision=panel_cache.revision(snapshot),
            cache_timeout=panel_cache.TIMEOUT,
            super_panel=super_panel,
            children=snapshot.child_panels.select_related("level4title").order_by("level4title__name")
            if super_panel
            else [],
            parents=snapshot.parent_panels.select_related("level4title").order_by("level4title__name"),
            signed_off_versions=list(signed_off),
            versions=[snapshot.version]
            + [
                h.version
                for h in HistoricalSnapshot.objects.filter(panel_id=snapshot.panel_id).only(
                    "major_version", "minor_version"
                )
            ],
            promote_form=kwargs.get("promote_form") or PromoteForm(),
            is_curator=is_curator(self.request.user),
        )
        return context


def _counts(rows: list[dict]) -> dict:
    return {
        "total": len(rows),
        "green": sum(1 for r in rows if r["colour"] == "green"),
        "amber": sum(1 for r in rows if r["colour"] == "amber"),
        "red": sum(1 for r in rows if r["colour"] == "red"),
        "grey": sum(1 for r in rows if r["colour"] == "grey"),
        "reviewed": sum(1 for r in rows if r["reviews"]),
        "ready": sum(1 for r in rows if r["ready"]),
    }


class PanelCreateView(CuratorRequiredMixin, FormView):
    template_name = "panels/panel_form.html"
    form_class = PanelForm

    def form_valid(self, form):
        try:
            snapshot = panel_service.create_panel(self.request.user, form.to_fields())
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
            changed = panel_service.update_panel(self.snapshot, self.request.user, form.to_fields())
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


def legacy_panel_redirect(request, old_pk, rest):
    """``/panels/<24-hex legacy id>/...`` -> ``/panels/<id>/...`` (permanent)."""
    from django.http import Http404, HttpResponsePermanentRedirect

    from ..models import GenePanel

    panel = GenePanel.objects.filter(old_pk=old_pk).only("pk").first()
    if panel is None:
        raise Http404("No panel has this legacy id.")
    return HttpResponsePermanentRedirect(f"/panels/{panel.pk}/{rest}")
