"""The curators' whole-database TSV downloads, streamed: all genes, STRs, regions and panels."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from .. import bulk_exports
from ..models import STR, GenePanelEntrySnapshot, Region
from ..selectors import bulk
from ..visibility import listable_statuses
from .mixins import CuratorRequiredMixin


def streamed_tsv(lines: Iterator[str], prefix: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type=bulk_exports.CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f"attachment; filename={prefix}_{stamp}.tsv"
    return response


class _EntityDownload(CuratorRequiredMixin, View):
    model: Any
    header: tuple[str, ...]
    line: Callable[[dict[str, Any]], list[Any]]
    prefix: str

    def get(self, request: HttpRequest) -> StreamingHttpResponse:
        rows = bulk.entity_rows(self.model, listable_statuses(request.user))
        return streamed_tsv(bulk_exports.stream_tsv(self.header, rows, type(self).line), self.prefix)


class DownloadAllGenesView(_EntityDownload):
    model = GenePanelEntrySnapshot
    header = bulk_exports.GENE_HEADER
    line = staticmethod(bulk_exports.gene_line)
    prefix = "All_genes"


class DownloadAllSTRsView(_EntityDownload):
    model = STR
    header = bulk_exports.STR_HEADER
    line = staticmethod(bulk_exports.str_line)
    prefix = "All_strs"


class DownloadAllRegionsView(_EntityDownload):
    model = Region
    header = bulk_exports.REGION_HEADER
    line = staticmethod(bulk_exports.region_line)
    prefix = "All_regions"


class DownloadAllPanelsView(CuratorRequiredMixin, View):
    def get(self, request: HttpRequest) -> StreamingHttpResponse:
        base = request.build_absolute_uri("/")[:-1]

        def lines() -> Iterable[list[Any]]:
            for panel in bulk.panel_rows(listable_statuses(request.user)):
                yield bulk_exports.panel_line(panel, base + reverse("panels:detail", args=[panel.panel_id]))

        return streamed_tsv(
            bulk_exports.stream_tsv(bulk_exports.PANEL_HEADER, lines(), lambda line: line), "All_panels"
        )
