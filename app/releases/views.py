"""The releases pages (curators only): thin views over ``selectors`` and ``services``.

Bad input is answered 400 with the page and the reason; nothing is half-applied.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from panels.spreadsheet import neutralise
from panels.views.mixins import CuratorRequiredMixin

from . import csv_import, selectors, services
from .forms import ImportForm, ReleaseForm
from .models import Release

PROMOTE, SIGN_OFF = "promote", "sign-off"


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for ms in error.message_dict.values() for m in ms]
    return list(error.messages)


class ReleaseMixin(CuratorRequiredMixin):
    def release(self) -> Release:
        release = selectors.release_by_id(self.kwargs["pk"])
        if release is None:
            raise Http404("No such release.")
        return release

    def detail(self, release: Release, *, status: int = 200, **extra: Any) -> HttpResponse:
        request = self.request
        deployment = selectors.deployment_of(release)
        total, promoted = selectors.release_counts(release)
        context: dict[str, Any] = {
            "release": release,
            "deployment": deployment,
            "panel_total": total,
            "promote_total": promoted,
            "import_form": extra.pop("import_form", None) or ImportForm(),
            "editable": deployment is None or deployment.state == deployment.State.FAILED,
        }
        if deployment is not None and deployment.state == deployment.State.DONE:
            context["record"] = selectors.deployment_record_page(deployment, request.GET.get("page"))
        else:
            page = selectors.release_panels_page(release, request.GET.get("page"))
            plan = selectors.release_plan(release)
            context["page"] = page
            context["rows"] = [(rp, plan[rp.panel_id]) for rp in page.object_list]
        context.update(extra)
        return render(request, "releases/detail.html", context, status=status)


class ReleaseListView(CuratorRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        search = request.GET.get("search", "").strip()
        deployment = tuple(request.GET.getlist("deployment"))
        unknown = set(deployment) - set(selectors.DEPLOYMENT_FILTERS)
        if unknown or len(search) > 255 or "\x00" in search:
            return render(
                request,
                "releases/list.html",
                {"page": None, "error": "Filter by deployment pending or done, and a name of at most 255 characters."},
                status=400,
            )
        page = selectors.releases_page(request.GET.get("page"), search=search, deployment=deployment)
        return render(request, "releases/list.html", {"page": page, "search": search, "deployment": deployment})


class ReleaseCreateView(CuratorRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "releases/form.html", {"form": ReleaseForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReleaseForm(request.POST)
        if form.is_valid():
            try:
                release = services.save_release(self.signed_in_user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Release {release.name} created.")
                return HttpResponseRedirect(release.get_absolute_url())
        return render(request, "releases/form.html", {"form": form}, status=400)


class ReleaseEditView(ReleaseMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        release = self.release()
        return render(request, "releases/form.html", {"form": ReleaseForm.of(release), "release": release})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        release = self.release()
        form = ReleaseForm(request.POST)
        if form.is_valid():
            try:
                services.save_release(self.signed_in_user, release=release, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Release saved.")
                return HttpResponseRedirect(release.get_absolute_url())
        return render(request, "releases/form.html", {"form": form, "release": release}, status=400)


def _add_errors(form: ReleaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


class ReleaseDetailView(ReleaseMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.detail(self.release())


class ReleasePanelsImportView(ReleaseMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        release = self.release()
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.detail(release, status=400, import_form=form)
        try:
            # One byte more than the limit is enough to refuse a larger file (csv_import.parse).
            data = form.cleaned_data["import_file"].read(csv_import.MAX_BYTES + 1)
            count = services.import_panels(release, self.signed_in_user, data)
        except ValidationError as error:
            return self.detail(release, status=400, import_form=form, import_errors=_errors(error))
        messages.success(request, f"The release now has {count} panel{'s' if count != 1 else ''}.")
        return HttpResponseRedirect(release.get_absolute_url())


class ReleasePanelsExportView(ReleaseMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        release = self.release()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["Panel ID", "Promote", "Panel Name"])
        for panel_id, promote, name in selectors.export_rows(release):
            writer.writerow([panel_id, "true" if promote else "false", neutralise(name)])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="release_{release.pk}_panels.csv"'
        return response


class ReleasePanelsChoicesView(ReleaseMixin, View):
    """Promote or only sign off, for each panel on the page; remove the ticked ones."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        release = self.release()
        choices: dict[int, bool] = {}
        problems: list[str] = []
        for key, value in request.POST.items():
            if not key.startswith("action-"):
                continue
            panel = key.removeprefix("action-")
            if not panel.isascii() or not panel.isdigit() or len(panel) > 18 or value not in (PROMOTE, SIGN_OFF):
                problems.append(f"{key}={value!r} is not a choice: use {PROMOTE} or {SIGN_OFF}.")
                continue
            choices[int(panel)] = value == PROMOTE
        remove: set[int] = set()
        for value in request.POST.getlist("remove"):
            if not value.isascii() or not value.isdigit() or len(value) > 18:
                problems.append(f"remove={value!r} is not a panel id.")
            else:
                remove.add(int(value))
        if not problems:
            try:
                services.set_choices(release, self.signed_in_user, choices, remove)
            except ValidationError as error:
                problems = _errors(error)
        if problems:
            return self.detail(release, status=400, choice_errors=problems)
        messages.success(request, "Choices saved.")
        return HttpResponseRedirect(release.get_absolute_url())


class ReleaseDeployView(ReleaseMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        release = self.release()
        try:
            services.start_deployment(release, self.signed_in_user)
        except ValidationError as error:
            return self.detail(release, status=400, deploy_errors=_errors(error))
        messages.success(request, "The release is being deployed.")
        return HttpResponseRedirect(reverse("releases:detail", args=[release.pk]))
