"""The activity feed page, with filters, and its CSV export for curators."""

import csv

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.views.generic import TemplateView

from accounts.roles import is_curator
from runtime.ids import is_ascii_number, parse_id

from ..forms.other import ActivityFilterForm
from ..models import Activity
from ..spreadsheet import neutralise

PAGE_SIZE = 100


def filtered_activities(user, form: ActivityFilterForm):
    qs = Activity.objects.visible_to(user).select_related("panel")
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    if data.get("panel"):
        term = data["panel"].strip()
        if is_ascii_number(term):
            number = parse_id(term)
            qs = qs.filter(panel_id=number) if number is not None else qs.none()
        else:
            qs = qs.filter(panel__name__icontains=term)
    if data.get("version"):
        qs = qs.filter(extra_data__panel_version=data["version"])
    if data.get("entity"):
        qs = qs.filter(entity_name__iexact=data["entity"].strip())
    if data.get("entity_type"):
        qs = qs.filter(entity_type=data["entity_type"])
    if data.get("date_from"):
        qs = qs.filter(created__date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(created__date__lte=data["date_to"])
    return qs


class ActivityView(TemplateView):
    template_name = "panels/activity.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.csv(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ActivityFilterForm(self.request.GET or None)
        qs = filtered_activities(self.request.user, form if self.request.GET else ActivityFilterForm({}))
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(form=form, page=page, is_curator=is_curator(self.request.user))
        return context

    def csv(self, request):
        if not is_curator(request.user):
            raise PermissionDenied("Only curators can export the activity feed.")
        form = ActivityFilterForm(request.GET)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="activities.csv"'
        writer = csv.writer(response)
        writer.writerow(["Created", "Panel", "Panel ID", "Panel Version", "User", "Entity type", "Entity", "Activity"])
        for a in filtered_activities(request.user, form).iterator():
            extra = a.extra_data or {}
            row = [
                a.created.isoformat(),
                extra.get("panel_name"),
                a.panel_id,
                extra.get("panel_version"),
                extra.get("user_name"),
                a.entity_type or "",
                a.entity_name or "",
                a.text,
            ]
            writer.writerow([neutralise(cell) for cell in row])  # no cell runs as a formula
        return response
