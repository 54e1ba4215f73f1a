"""``/WebServices/``: list_panels, get_panel and search_genes, read-only, as PanelApp v0 answered."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from panels import representation
from panels.selectors import panels as panel_selectors
from panels.selectors.entities import genes_on_visible_panels
from panels.selectors.versions import stored_version
from panels.versions import InvalidVersion, Version
from panels.visibility import readable_statuses
from panels.vocab import VISIBLE_STATUSES, PanelStatus

from . import shapes


def _reject_nul(request: Request, *values: str) -> None:
    everything = list(values) + [v for _, vs in request.query_params.lists() for v in vs]
    if any("\x00" in v for v in everything):
        raise ParseError("Requests may not contain NUL characters.")


def _split(request: Request, name: str) -> list[str] | None:
    raw = request.query_params.get(name)
    return [v.strip() for v in raw.split(",") if v.strip()] if raw is not None else None


def _assembly(request: Request) -> str:
    raw = request.query_params.get("assembly", "GRch37").lower()
    if raw not in shapes.ASSEMBLIES:
        raise ParseError("Unaccepted value for assembly, please use: GRch37 or GRch38")
    return shapes.ASSEMBLIES[raw]


def _keep(item: dict[str, Any], request: Request) -> bool:
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
def list_panels(request: Request, format: str | None = None) -> Response:
    _reject_nul(request)
    statuses = list(VISIBLE_STATUSES)
    if request.query_params.get("Retired", "").lower() == "true":
        statuses.append(PanelStatus.RETIRED)
    qs = panel_selectors.panel_list(statuses, name_contains=request.query_params.get("Name", ""))
    return Response({"result": [shapes.panel_list_item(s) for s in qs]})


@extend_schema(exclude=True)  # the legacy API; /api/docs/ documents API v1
@api_view(["GET"])
@permission_classes([AllowAny])
def get_panel(request: Request, panel_name: str, format: str | None = None) -> Response:
    _reject_nul(request, panel_name)
    assembly = _assembly(request)
    raw_version = request.query_params.get("version")
    # With a version: any panel this user may read (internal ones for curators only, panels.visibility).
    statuses = readable_statuses(request.user) if raw_version else VISIBLE_STATUSES
    snapshot = panel_selectors.find_snapshot(panel_name, statuses)
    if snapshot is None:
        raise NotFound(f"Query Error: {panel_name} not found.")
    data, created = None, snapshot.created
    if raw_version:
        try:
            version = Version.parse(raw_version)
        except InvalidVersion:
            raise ParseError("Query Error: The incorrect version requested") from None
        if version != snapshot.version_tuple:
            historical = stored_version(snapshot.panel_id, version)
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
def search_genes(request: Request, genes: str, format: str | None = None) -> Response:
    _reject_nul(request, genes)
    assembly = _assembly(request)
    symbols = None if genes == "all" else [g.strip() for g in genes.split(",") if g.strip()]
    results = []
    for entity in genes_on_visible_panels(symbols, _split(request, "panel_name")):
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
