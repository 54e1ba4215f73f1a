"""The activity feed page, with filters, and its CSV export for curators."""

import csv
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.views.generic import TemplateView

from accounts.roles import is_curator

from ..forms.other import ActivityFilterForm
from ..selectors import activity as activity_selectors
from ..spreadsheet import neutralise

PAGE_SIZE = 100


def cleaned_filters(form: ActivityFilterForm) -> dict[str, Any] | None:
    """The form's filters, or None when they are not valid (then nothing is listed)."""
    return form.cleaned_data if form.is_valid() else None


class ActivityView(TemplateView):
    template_name = "panels/activity.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("format") == "csv":
            return self.csv(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = ActivityFilterForm(self.request.GET or None)
        filters = cleaned_filters(form if self.request.GET else ActivityFilterForm({}))
        qs = activity_selectors.filtered_activities(self.request.user, filters)
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(form=form, page=page, is_curator=is_curator(self.request.user))
        return context

    def csv(self, request: HttpRequest) -> HttpResponse:
        if not is_curator(request.user):
            raise PermissionDenied("Only curators can export the activity feed.")
        filters = cleaned_filters(ActivityFilterForm(request.GET))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="activities.csv"'
        writer = csv.writer(response)
        writer.writerow(activity_selectors.CSV_HEADER)
        for row in activity_selectors.csv_rows(activity_selectors.filtered_activities(request.user, filters)):
            writer.writerow([neutralise(cell) for cell in row])  # no cell runs as a formula
        return response
