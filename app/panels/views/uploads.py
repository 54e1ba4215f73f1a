"""Curators' import tools: upload a file, then follow its import on the upload's page."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView, View

from ..forms.other import UploadForm
from ..models import UPLOAD_MODELS
from ..selectors import uploads as upload_selectors
from ..services.uploads import start_upload
from .mixins import CuratorRequiredMixin

EXTENSIONS = {"panel": (".tsv", ".txt"), "reviews": (".tsv", ".txt"), "genes": (".json", ".json.gz")}
TITLES = {"panel": "Panel list (TSV)", "reviews": "Reviews (TSV)", "genes": "Gene data (JSON)"}


def upload_forms(bound: dict[str, UploadForm] | None = None) -> dict[str, UploadForm]:
    return {
        kind: (bound or {}).get(kind) or UploadForm(prefix=kind, extensions=EXTENSIONS[kind]) for kind in EXTENSIONS
    }


class ImportToolsView(CuratorRequiredMixin, TemplateView):
    template_name = "panels/import_tools.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(forms=upload_forms(kwargs.get("bound")), titles=TITLES, recent=upload_selectors.recent_uploads())
        return context


class UploadView(CuratorRequiredMixin, View):
    def post(self, request: HttpRequest, kind: str) -> HttpResponse:
        if kind not in EXTENSIONS:
            raise Http404("Unknown upload type.")
        form = UploadForm(request.POST, request.FILES, prefix=kind, extensions=EXTENSIONS[kind])
        if not form.is_valid():
            view = ImportToolsView(request=request, kwargs={})
            return view.render_to_response(view.get_context_data(bound={kind: form}), status=400)
        upload = start_upload(kind, self.signed_in_user, form.cleaned_data["file"])
        messages.info(request, f"{form.cleaned_data['file'].name} is uploaded and being imported.")
        return redirect("panels:upload_status", kind=kind, pk=upload.pk)


class UploadStatusView(CuratorRequiredMixin, TemplateView):
    template_name = "panels/upload_status.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.kwargs["kind"] not in UPLOAD_MODELS:
            raise Http404("Unknown upload type.")
        upload = upload_selectors.upload_of(self.kwargs["kind"], self.kwargs["pk"])
        if upload is None:
            raise Http404("No such upload.")
        context.update(upload=upload, title=TITLES[upload.kind], panels=upload_selectors.imported_panels(upload))
        return context
