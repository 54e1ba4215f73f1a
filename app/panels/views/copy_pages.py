"""Copying reviews from one panel to another: the genes on both, chosen with check boxes; the
copy runs in the background and the curator is emailed the result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from ..selectors.review_copy import genes_to_copy
from ..services import review_copy
from .compare_pages import TwoPanelsMixin
from .mixins import CuratorRequiredMixin


class CopyReviewsView(CuratorRequiredMixin, TwoPanelsMixin, TemplateView):
    """``/panels/copy/<from>/<to>``: GET the choice, POST ``genes`` (one per chosen gene)."""

    template_name = "panels/copy_reviews.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        first, second = self.two_panels()
        rows = genes_to_copy(first, second)
        context.update(
            first=first,
            second=second,
            rows=rows,
            reviews_to_copy=sum(len(row.to_copy) for row in rows),
            chosen=kwargs.get("chosen"),
            errors=kwargs.get("errors", []),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        first, second = self.two_panels()
        chosen = [name.replace("\x00", "") for name in request.POST.getlist("genes")]
        try:
            review_copy.request_copy(self.signed_in_user, first, second, chosen)
        except ValidationError as error:
            context = self.get_context_data(chosen=set(chosen), errors=error.messages)
            return self.render_to_response(context, status=400)
        count = len(set(chosen))
        messages.success(
            request,
            f"The reviews of {count} gene{'s' if count != 1 else ''} are being copied to "
            f"{second.level4title.name} in the background; you will get an email when it is done.",
        )
        return redirect("panels:compare", first.panel_id, second.panel_id)
