"""``/WebServices/``: list_panels, get_panel and search_genes, read-only, as PanelApp v0 answered."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from panels import representation
from panels.models import GenePanelEntrySnapshot, GenePanelSnapshot, HistoricalSnapshot
from panels.queries import entity_queryset, panel_lookup_q
from panels.versions import InvalidVersion, Version
from panels.visibility import readable_statuses
from panels.vocab import VISIBLE_STATUSES, PanelStatus

from . import shapes


def _reject_nul(request, *values: str) -> None:
    everything = list(values) + [v for _, vs in request.query_params.lists() for v in vs]
    if any("\x00" in v for v in everything):
        raise ParseError("Requests may not contain NUL characters.")


def _split(request, name: str) -> list[str] | None:
    raw = request.query_params.get(name)
    return [v.strip() for v in raw.split(",") if v.strip()] if raw is not None else None


def _assembly(request) -> str:
    raw = request.query_params.get("assembly", "GRch37").lower()
    if raw not in shapes.ASSEMBLIES:
        raise ParseError("Unaccepted value for assembly, please use: GRch37 or GRch38")
    return shapes.ASSEMBLIES[raw]


def _keep(item: dict, request) -> bool:
    """v0 filters: each given one must match (values are short codes, comma-separated)."""
    checks = {
        "ModeOfInheritance": shapes.moi_code(item.get("mode_of_inheritance")),
        "ModeOfPathogenicity": shapes.mop_code(item.get("mode_of_pathogenicity")),
        "Penetrance": item.get("penetrance"),
        "LevelOfConfidence": shapes.level_of_confidence(item.get("confidence_level")),
        "HaploinsufficiencyScore": item.get("haploinsufficiency_score"),
        "TriplosensitivityScore": item.get("triplosensitivity_score"),
    }
    for name, value in checks.items():
        wanted = _split(request, name)
        if wanted is not None and value not in wanted:
            return False
    evidences = _split(request, "Evidences")
    return evidences is None or bool(set(evidences) & set(item.get("evidence") or []))


@extend_schema(exclude=True)  # the legacy API; /api/docs/ documents API v1
@api_view(["GET"])
@permission_classes([AllowAny])
def list_panels(request, format=None):
    _reject_nul(request)
    statuses = list(VISIBLE_STATUSES)
    if request.query_params.get("Retired", "").lower() == "true":
        statuses.append(PanelStatus.RETIRED)
    qs = GenePanelSnapshot.objects.with_panel().filter(panel__status__in=statuses)
    if request.query_params.get("Name"):
        qs = qs.filter(panel__name__icontains=request.query_params["Name"])
    return Response({"result": [shapes.panel_list_item(s) for s in qs.ordered_by_name()]})


@extend_schema(exclude=True)  # the legacy API; /api/docs/ documents API v1
@api_view(["GET"])
@permission_classes([AllowAny])
def get_panel(request, panel_name, format=None):
    _reject_nul(request, panel_name)
    assembly = _assembly(request)
    raw_version = request.query_params.get("version")
    snapshot = (
        GenePanelSnapshot.objects.with_panel()
        .filter(panel_lookup_q(panel_name))
        # With a version: any panel this user may read (internal ones for curators only, panels.visibility).
        .filter(panel__status__in=readable_statuses(request.user) if raw_version else VISIBLE_STATUSES)
        .ordered_by_name()
        .first()
    )
    if snapshot is None:
        raise NotFound(f"Query Error: {panel_name} not found.")
    data, created = None, snapshot.created
    if raw_version:
        try:
            version = Version.parse(raw_version)
        except InvalidVersion:
            raise ParseError("Query Error: The incorrect version requested")
        if version != snapshot.version_tuple:
            historical = HistoricalSnapshot.objects.filter(
                panel_id=snapshot.panel_id, major_version=version.major, minor_version=version.minor
            ).first()
            if historical is None:
                raise NotFound(f"Query Error: The version requested for panel:{panel_name} was not found.")
            data = historical.data
    if data is None:
        data = representation.panel_detail_dict(snapshot)
        created_text = representation.format_datetime(created)
    else:
        created_text = data.get("version_created")
    result = {
        "Genes": [shapes.gene_item(g, assembly) for g in data.get("genes", []) if _keep(g, request)],
        "STRs": [shapes.str_item(s, assembly) for s in data.get("strs", []) if _keep(s, request)],
        "Regions": [shapes.region_item(r, assembly) for r in data.get("regions", []) if _keep(r, request)],
        "SpecificDiseaseName": data.get("name"),
        "version": data.get("version"),
        "Created": created_text,
        "DiseaseGroup": data.get("disease_group"),
        "DiseaseSubGroup": data.get("disease_sub_group"),
        "Status": data.get("status"),
    }
    return Response({"result": result})


@extend_schema(exclude=True)  # the legacy API; /api/docs/ documents API v1
@api_view(["GET"])
@permission_classes([AllowAny])
def search_genes(request, genes, format=None):
    _reject_nul(request, genes)
    assembly = _assembly(request)
    qs = entity_queryset(GenePanelEntrySnapshot, with_panel=True).filter(panel__panel__status__in=VISIBLE_STATUSES)
    if genes != "all":
        qs = qs.filter(gene_core_id__in=[g.strip() for g in genes.split(",") if g.strip()])
    panel_names = _split(request, "panel_name")
    if panel_names:
        qs = qs.filter(panel__panel__name__in=panel_names)
    results = []
    for entity in qs.order_by("panel__panel_id", "gene_core_id"):
        item = representation.gene_entity_dict(entity)
        if not _keep(item, request):
            continue
        title = entity.panel.level4title
        row = shapes.gene_item(item, assembly)
        row.update(
            {
                "version": entity.panel.version,
                "SpecificDiseaseName": title.name,
                "DiseaseGroup": title.level2title,
                "DiseaseSubGroup": title.level3title,
            }
        )
        row["Evidences"] = row.pop("Evidences")
        results.append(row)
    return Response({"results": results, "meta": {"numOfResults": len(results)}})
