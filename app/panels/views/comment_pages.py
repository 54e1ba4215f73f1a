"""Editing and deleting a review comment from the entity page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import FormView, View

from ..forms.comments import EditCommentForm
from ..forms.common import apply_service_errors
from ..models import Comment, Evaluation
from ..selectors.reviews import review_comment
from ..services import comments as comment_service
from .entity_pages import entity_url
from .mixins import EntityMixin, ReviewerRequiredMixin


class CommentMixin(ReviewerRequiredMixin, EntityMixin):
    def found(self) -> tuple[Evaluation, Comment]:
        found = review_comment(self.entity, self.kwargs["comment_id"])
        if found is None:
            raise Http404("No such comment on this entity.")
        return found

    def back(self) -> HttpResponse:
        return redirect(entity_url(self.snapshot.panel_id, self.entity) + "#reviews")


class EditCommentView(CommentMixin, FormView):
    """GET ``edit_comment/<id>/``: the form; POST it (or to ``submit_edit_comment/<id>/``) to save."""

    template_name = "panels/comment_form.html"
    form_class = EditCommentForm

    def get_initial(self) -> dict[str, Any]:
        _, comment = self.found()
        if comment.user_id != self.signed_in_user.pk:
            raise PermissionDenied("You can only edit your own comments.")
        return {"comment": comment.comment}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(snapshot=self.snapshot, entity=self.entity, **kwargs)

    def form_valid(self, form: EditCommentForm) -> HttpResponse:
        evaluation, comment = self.found()
        try:
            comment_service.edit_comment(
                self.snapshot, self.entity, self.signed_in_user, evaluation, comment, form.cleaned_data["comment"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your comment is saved.")
        return self.back()

    def form_invalid(self, form: EditCommentForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DeleteCommentView(CommentMixin, View):
    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        _, comment = self.found()
        comment_service.delete_comment(self.snapshot, self.entity, self.signed_in_user, comment)
        messages.success(request, "The comment was deleted.")
        return self.back()
