"""``/panels/signedoff/``: the versions of panels signed off for the NHS Genomic Medicine Service."""

from __future__ import annotations

from django.db.models.fields.json import KeyTextTransform, KeyTransform
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from panels import representation
from panels.models import GenePanel, HistoricalSnapshot
from panels.vocab import PanelStatus
from runtime.ids import parse_id

from .. import params
from ..serializers import PanelDetailSerializer, SignedOffPanelSerializer
from .base import PAGE, ReadOnlyView, paginated

# The Panel keys of a stored snapshot; read straight out of the JSON so that the (possibly very
# large) entity lists are never loaded for a listing.
PANEL_KEYS = (
    "id",
    "hash_id",
    "name",
    "disease_group",
    "disease_sub_group",
    "status",
    "version",
    "version_created",
    "relevant_disorders",
    "stats",
    "types",
)


#: The keys that are JSON strings. They are read as text: SQLite hands JSON back as SQL values,
#: which Django decodes again, so a version "1.10" came out as the number 1.1 and a name "123" as 123.
TEXT_KEYS = frozenset({"hash_id", "name", "disease_group", "disease_sub_group", "status", "version", "version_created"})


def _key(key: str):
    return KeyTextTransform(key, "data") if key in TEXT_KEYS else KeyTransform(key, "data")


def signed_off_item(row: dict) -> dict:
    item = {key: row[f"k_{key}"] for key in PANEL_KEYS}
    if item["hash_id"] == "null":
        # SQLite reads a JSON null as text as the word null (JSON_TYPE); no legacy id is that word.
        item["hash_id"] = None
    item["signed_off"] = representation.format_date(row["signed_off_date"])
    return item


class SignedOffList(ReadOnlyView):
    @extend_schema(
        operation_id="panels_signedoff_list",
        summary="Signed-off panel versions",
        description=(
            "`display=latest` (default): the latest signed-off version of each public panel. "
            "`display=all`: every signed-off version of public and retired panels. Ordered by panel id."
        ),
        parameters=[
            PAGE,
            OpenApiParameter("panel_id", int, description="Only this panel."),
            OpenApiParameter("display", str, enum=["latest", "all"], description="latest (default) or all."),
        ],
        responses=paginated(SignedOffPanelSerializer, "PaginatedSignedOffList"),
    )
    def get(self, request, format=None):
        return self.from_cache(request, lambda: self.build(request))

    def build(self, request):
        display = params.choice(request, "display", ("latest", "all"), "latest")
        panel_id = params.integer(request, "panel_id")
        qs = HistoricalSnapshot.objects.filter(signed_off_date__isnull=False)
        if display == "latest":
            latest = GenePanel.objects.filter(status=PanelStatus.PUBLIC, signed_off__isnull=False).values("signed_off")
            qs = qs.filter(pk__in=latest)
        else:
            qs = qs.filter(panel__status__in=[PanelStatus.PUBLIC, PanelStatus.RETIRED])
        if panel_id is not None:
            qs = qs.filter(panel_id=panel_id)
        rows = (
            qs.order_by("panel_id", "-major_version", "-minor_version")
            .annotate(**{f"k_{key}": _key(key) for key in PANEL_KEYS})
            .values("signed_off_date", *(f"k_{key}" for key in PANEL_KEYS))
        )
        paginator_items = _Mapped(rows, signed_off_item)
        return self.paginate(paginator_items, SignedOffPanelSerializer)


class _Mapped:
    """A lazily mapped queryset that the paginator can count and slice."""

    def __init__(self, qs, fn):
        self.qs, self.fn = qs, fn

    def count(self):
        return self.qs.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        return [self.fn(row) for row in self.qs[item]]


class SignedOffDetail(ReadOnlyView):
    @extend_schema(
        operation_id="panels_signedoff_retrieve",
        summary="Latest signed-off version of a panel (deprecated)",
        description="Deprecated in PanelApp; use `/panels/signedoff/?panel_id=`. The whole stored panel plus `signed_off`.",
        responses=PanelDetailSerializer,
        deprecated=True,
    )
    def get(self, request, panel_id, format=None):
        panel_id = parse_id(panel_id)
        if panel_id is None:
            raise NotFound()
        snapshot = (
            HistoricalSnapshot.objects.filter(
                panel_id=panel_id, panel__status=PanelStatus.PUBLIC, signed_off_date__isnull=False
            )
            .order_by("-major_version", "-minor_version")
            .first()
        )
        if snapshot is None:
            raise NotFound()
        data = dict(snapshot.data)
        data["signed_off"] = representation.format_date(snapshot.signed_off_date)
        return Response(data)
