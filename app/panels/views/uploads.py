"""Curators' import tools: upload a file, then follow its import on the upload's page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView, View

from ..forms.other import UploadForm
from ..models import UPLOAD_MODELS
from ..services.uploads import start_upload
from .mixins import CuratorRequiredMixin

EXTENSIONS = {"panel": (".tsv", ".txt"), "reviews": (".tsv", ".txt"), "genes": (".json", ".json.gz")}
TITLES = {"panel": "Panel list (TSV)", "reviews": "Reviews (TSV)", "genes": "Gene data (JSON)"}


def upload_forms(bound: dict | None = None) -> dict:
    return {
        kind: (bound or {}).get(kind) or UploadForm(prefix=kind, extensions=EXTENSIONS[kind]) for kind in EXTENSIONS
    }


class ImportToolsView(CuratorRequiredMixin, TemplateView):
    template_name = "panels/import_tools.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recent = []
        for kind, model in UPLOAD_MODELS.items():
            recent += list(model.objects.select_related("user")[:10])
        recent.sort(key=lambda u: u.created, reverse=True)
        context.update(forms=upload_forms(kwargs.get("bound")), titles=TITLES, recent=recent[:15])
        return context


class UploadView(CuratorRequiredMixin, View):
    def post(self, request, kind):
        if kind not in EXTENSIONS:
            raise Http404("Unknown upload type.")
        form = UploadForm(request.POST, request.FILES, prefix=kind, extensions=EXTENSIONS[kind])
        if not form.is_valid():
            view = ImportToolsView(request=request, kwargs={})
            return view.render_to_response(view.get_context_data(bound={kind: form}), status=400)
        upload = start_upload(kind, request.user, form.cleaned_data["file"])
        messages.info(request, f"{form.cleaned_data['file'].name} is uploaded and being imported.")
        return redirect("panels:upload_status", kind=kind, pk=upload.pk)


class UploadStatusView(CuratorRequiredMixin, TemplateView):
    template_name = "panels/upload_status.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = UPLOAD_MODELS.get(self.kwargs["kind"])
        if model is None:
            raise Http404("Unknown upload type.")
        upload = get_object_or_404(model.objects.select_related("user"), pk=self.kwargs["pk"])
        panels = []
        if upload.summary.get("panels"):
            from ..models import GenePanelSnapshot

            names = dict(
                GenePanelSnapshot.objects.filter(panel_id__in=[int(p) for p in upload.summary["panels"]]).values_list(
                    "panel_id", "level4title__name"
                )
            )
            panels = [
                (int(pid), names.get(int(pid), pid), version) for pid, version in upload.summary["panels"].items()
            ]
        context.update(upload=upload, title=TITLES[upload.kind], panels=panels)
        return context
