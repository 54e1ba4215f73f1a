"""An entity on a panel: its page, adding and editing it, reviews, and curator feedback."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from accounts.roles import is_curator

from ..forms import entity as entity_forms
from ..forms.additional_panels import AdditionalPanelsForm
from ..forms.common import apply_service_errors
from ..selectors.compare import panels_to_add_to, snapshots_of_panels
from ..selectors.reviews import entity_page, review_of_entity
from ..services import entities as entity_service
from ..services import multi_panel
from ..services import reviews as review_service
from ..services.entities import EntityFields
from ..visibility import readable_statuses
from ..vocab import EntityType, gel_status_colour, gel_status_label
from .mixins import CuratorRequiredMixin, EntityMixin, PanelMixin, ReviewerRequiredMixin

#: Curator feedback on the entity page: action -> (form, prefix, how to apply it).
FEEDBACK = {
    "rating": (
        entity_forms.RatingForm,
        lambda s, e, u, d: entity_service.set_rating(s, e, u, d["status"], d["comment"]),
    ),
    "moi": (
        entity_forms.MOIForm,
        lambda s, e, u, d: entity_service.update_field(s, e, u, "moi", d["moi"], d["comment"]),
    ),
    "mop": (
        entity_forms.MOPForm,
        lambda s, e, u, d: entity_service.update_field(
            s, e, u, "mode_of_pathogenicity", d["mode_of_pathogenicity"], d["comment"]
        ),
    ),
    "phenotypes": (
        entity_forms.PhenotypesForm,
        lambda s, e, u, d: entity_service.update_field(s, e, u, "phenotypes", d["phenotypes"], d["comment"]),
    ),
    "publications": (
        entity_forms.PublicationsForm,
        lambda s, e, u, d: entity_service.update_field(s, e, u, "publications", d["publications"], d["comment"]),
    ),
    "tags": (entity_forms.TagsForm, lambda s, e, u, d: entity_service.set_tags(s, e, u, d["tags"])),
    "ready": (entity_forms.ReadyForm, lambda s, e, u, d: entity_service.set_ready(s, e, u, True, d["comment"])),
    "not_ready": (entity_forms.ReadyForm, lambda s, e, u, d: entity_service.set_ready(s, e, u, False, d["comment"])),
}


def feedback_forms(entity, bound: dict | None = None) -> dict:
    initial = {
        "rating": {"status": min(entity.saved_gel_status or 0, 3)},
        "moi": {"moi": entity.moi},
        "mop": {"mode_of_pathogenicity": entity.mode_of_pathogenicity or ""},
        "phenotypes": {"phenotypes": entity.phenotypes or []},
        "publications": {"publications": entity.publications or []},
        "tags": {"tags": [t.name for t in entity.tags.all()]},
    }
    forms = {}
    for action, (form_class, _) in FEEDBACK.items():
        if action in ("ready", "not_ready"):
            continue
        forms[action] = (bound or {}).get(action) or form_class(initial=initial.get(action), prefix=action)
    return forms


class EntityDetailView(EntityMixin, TemplateView):
    template_name = "panels/entity_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entity, snapshot, user = self.entity, self.snapshot, self.request.user
        page = entity_page(entity)
        context.update(
            snapshot=snapshot,
            entity=entity,
            colour=gel_status_colour(entity.saved_gel_status, entity.flagged),
            label=gel_status_label(entity.saved_gel_status, entity.flagged),
            evidence=page.evidence,
            evaluations=page.evaluations,
            my_review=next((e for e in page.evaluations if e.user_id == user.pk), None),
            tracks=page.tracks,
            curator_comments=page.curator_comments,
            tags=page.tags,
            is_curator=is_curator(user),
            feedback=feedback_forms(entity, kwargs.get("bound_feedback")) if is_curator(user) else {},
        )
        return context


class EntityFeedbackView(CuratorRequiredMixin, EntityMixin, View):
    """One curator feedback form posted from the entity page."""

    def post(self, request, pk, entity_type, entity_name, action):
        if action not in FEEDBACK:
            raise Http404("Unknown action.")
        form_class, apply = FEEDBACK[action]
        form = form_class(request.POST, prefix=None if action in ("ready", "not_ready") else action)
        if form.is_valid():
            try:
                apply(self.snapshot, self.entity, request.user, form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
        if form.errors:
            view = EntityDetailView(request=request, kwargs=self.kwargs)
            view._snapshot, view._entity = self.snapshot, self.entity
            context = view.get_context_data(bound_feedback={action: form})
            return view.render_to_response(context, status=400)
        self.snapshot.refresh_from_db()
        messages.success(request, f"Saved. The panel is at version {self.snapshot.version}.")
        return redirect(entity_url(self.snapshot.panel_id, self.entity) + "#curation")


def entity_url(panel_id: int, entity) -> str:
    return reverse("panels:entity", args=[panel_id, str(entity.entity_type), entity.name])


class EntityAddView(ReviewerRequiredMixin, PanelMixin, FormView):
    """Curators add entities (new version); reviewers suggest them (grey, awaiting approval)."""

    template_name = "panels/entity_form.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["entity_type"] not in EntityType.values:
            raise Http404("Entity types are gene, str and region.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return entity_forms.ENTITY_FORMS[EntityType(self.kwargs["entity_type"])]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("additional", self.additional_form(self.request.POST or None))
        return super().get_context_data(
            snapshot=self.snapshot, entity_type=self.kwargs["entity_type"], editing=False, **kwargs
        )

    def additional_form(self, data=None) -> AdditionalPanelsForm | None:
        """Curators adding a gene may add it to other panels too (``services.multi_panel``)."""
        if self.kwargs["entity_type"] != EntityType.GENE or not is_curator(self.request.user):
            return None
        choices = panels_to_add_to(readable_statuses(self.request.user), self.snapshot.panel_id)
        return AdditionalPanelsForm(data, choices=choices)

    def form_valid(self, form):
        additional = self.additional_form(self.request.POST)
        if additional is not None and not additional.is_valid():
            return self.render_to_response(self.get_context_data(form=form, additional=additional), status=400)
        chosen = additional.cleaned_data["additional_panels"] if additional is not None else []
        try:
            if chosen:
                others = snapshots_of_panels(chosen, readable_statuses(self.request.user))
                entity, *copies = multi_panel.add_gene_to_panels(
                    self.snapshot, self.signed_in_user, form.to_fields(), others
                )
            else:
                copies = []
                entity = entity_service.add_entity(
                    self.snapshot, self.signed_in_user, self.kwargs["entity_type"], form.to_fields()
                )
        except ValidationError as error:
            if additional is not None and hasattr(error, "error_dict") and "additional_panels" in error.error_dict:
                additional.add_error("additional_panels", error.error_dict["additional_panels"])
                return self.render_to_response(self.get_context_data(form=form, additional=additional), status=400)
            apply_service_errors(form, error, {"gene_symbol": "gene"})
            return self.form_invalid(form)
        if copies:
            names = ", ".join(c.panel.level4title.name for c in copies)
            messages.success(self.request, f"{entity.name} was also added to {names}.")
        if entity.flagged:
            messages.success(self.request, f"{entity.name} was added. A curator will review it.")
        else:
            messages.success(self.request, f"{entity.name} was added. The panel is at version {self.snapshot.version}.")
        return redirect(entity_url(self.snapshot.panel_id, entity))


class EntityEditView(CuratorRequiredMixin, EntityMixin, FormView):
    template_name = "panels/entity_form.html"

    def get_form_class(self):
        return entity_forms.ENTITY_FORMS[EntityType(self.kwargs["entity_type"])]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "editing": True}

    def get_initial(self):
        form_class = self.get_form_class()
        return form_class.initial_from(EntityFields.from_entity(self.entity))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            snapshot=self.snapshot, entity=self.entity, entity_type=self.kwargs["entity_type"], editing=True, **kwargs
        )

    def form_valid(self, form):
        fields = form.to_fields()
        if fields.gene_symbol == "" and self.kwargs["entity_type"] == EntityType.GENE:
            fields.gene_symbol = fields.name = self.entity.name
        try:
            changed = entity_service.update_entity(self.snapshot, self.entity, self.signed_in_user, fields)
        except ValidationError as error:
            apply_service_errors(form, error, {"gene_symbol": "gene"})
            return self.form_invalid(form)
        self.entity.refresh_from_db()
        if changed:
            messages.success(self.request, f"Saved. The panel is at version {self.snapshot.version}.")
        else:
            messages.info(self.request, "Nothing changed, so the version stays the same.")
        return redirect(entity_url(self.snapshot.panel_id, self.entity))


class ReviewView(ReviewerRequiredMixin, EntityMixin, FormView):
    """Write or change your own review of an entity (no new version)."""

    template_name = "panels/review_form.html"
    form_class = entity_forms.ReviewForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "entity_type": self.kwargs["entity_type"]}

    def get_initial(self):
        return entity_forms.ReviewForm.initial_from(review_service.user_review(self.entity, self.signed_in_user))

    def get_context_data(self, **kwargs):
        return super().get_context_data(snapshot=self.snapshot, entity=self.entity, **kwargs)

    def form_valid(self, form):
        try:
            review_service.submit_review(self.snapshot, self.entity, self.signed_in_user, form.to_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Thank you: your review is saved.")
        return redirect(entity_url(self.snapshot.panel_id, self.entity) + "#reviews")


class DeleteReviewView(ReviewerRequiredMixin, EntityMixin, View):
    def post(self, request, pk, entity_type, entity_name, evaluation_id):
        evaluation = review_of_entity(self.entity, evaluation_id)
        if evaluation is None:
            raise Http404("No such review on this entity.")
        review_service.delete_review(self.snapshot, self.entity, request.user, evaluation)
        messages.success(request, "Your review was deleted.")
        return redirect(entity_url(self.snapshot.panel_id, self.entity) + "#reviews")


class ApproveEntityView(CuratorRequiredMixin, EntityMixin, View):
    def post(self, request, pk, entity_type, entity_name):
        entity_service.approve_entity(self.snapshot, self.entity, request.user)
        messages.success(request, f"{self.entity.name} is approved. Rate it to place it on a list.")
        return redirect(entity_url(self.snapshot.panel_id, self.entity) + "#curation")


class DeleteEntityView(CuratorRequiredMixin, EntityMixin, View):
    def post(self, request, pk, entity_type, entity_name):
        name = self.entity.name
        entity_service.delete_entity(self.snapshot, self.entity, request.user)
        messages.success(request, f"{name} was removed. The panel is at version {self.snapshot.version}.")
        return redirect("panels:detail", pk)
