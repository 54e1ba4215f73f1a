"""Panel TSV downloads: the current version by rating, or any earlier version."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views import View

from .. import exports
from ..selectors.versions import stored_version
from ..versions import InvalidVersion, Version
from .mixins import PanelMixin


def tsv_response(content: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{exports.CONTENT_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class DownloadPanelView(PanelMixin, View):
    """``/panels/<id>/download/<categories>/``: e.g. 34 green, 234 green and amber, 01234 all."""

    def get(self, request: HttpRequest, pk: int, categories: str) -> HttpResponse:
        try:
            wanted = exports.parse_categories(categories)
        except exports.InvalidCategories as error:
            return HttpResponseBadRequest(str(error))
        snapshot = self.snapshot
        content = exports.to_tsv(exports.live_rows(snapshot, wanted))
        return tsv_response(content, exports.filename(snapshot.level4title.name))


class DownloadVersionView(PanelMixin, View):
    """POST ``panel_version=X.Y``: the TSV of that version (the current one or a stored one)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            version = Version.parse(request.POST.get("panel_version", ""))
        except InvalidVersion as error:
            return HttpResponseBadRequest(str(error))
        snapshot = self.snapshot
        if version == snapshot.version_tuple:
            content = exports.to_tsv(exports.live_rows(snapshot, {0, 1, 2, 3, 4}))
        else:
            historical = stored_version(snapshot.panel_id, version)
            if historical is None:
                raise Http404(f"Version {version} of this panel does not exist.")
            content = exports.to_tsv(exports.historical_rows(historical))
        return tsv_response(content, exports.filename(snapshot.level4title.name, str(version)))
