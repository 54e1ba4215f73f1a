"""``/WebServices/``: list_panels, get_panel, search_genes and list_entities, read-only, as
PanelApp v0 answered."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from panels import representation
from panels.models import GenePanelSnapshot
from panels.selectors import panels as panel_selectors
from panels.selectors.entities import genes_on_visible_panels
from panels.selectors.hgnc import resolve_gene_names
from panels.selectors.legacy import LegacyEntityFilters, find_snapshot_v0, legacy_entities, super_panels_of
from panels.selectors.versions import stored_version
from panels.versions import InvalidVersion, Version
from panels.visibility import readable_statuses
from panels.vocab import MOI_SHORT_CODES, VISIBLE_STATUSES, PanelStatus
from runtime.ids import parse_id

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
    if evidences is None:
        return True
    names = {shapes.from_code(shapes.EVIDENCE_SHORT_CODES, e) for e in evidences}
    return bool(names & set(item.get("evidence") or []))


@extend_schema(exclude=True)  # the legacy API; /api/docs/ documents API v1
@api_view(["GET"])
@permission_classes([AllowAny])
def list_panels(request: Request, format: str | None = None) -> Response:
    """``Types``: comma-separated type slugs, or ``all``; without it, the DEFAULT_PANEL_TYPES."""
    _reject_nul(request)
    statuses = list(VISIBLE_STATUSES)
    if request.query_params.get("Retired", "").lower() == "true":
        statuses.append(PanelStatus.RETIRED)
    raw_types = request.query_params.get("Types")
    if raw_types is None:
        slugs: list[str] | None = list(settings.DEFAULT_PANEL_TYPES)
    elif raw_types.strip() == "all":
        slugs = None
    else:
        slugs = [slug.strip() for slug in raw_types.split(",") if slug.strip()]
    if slugs is not None and not slugs:
        return Response({"result": []})  # types asked for, none named: no panel has them
    qs = panel_selectors.panel_list(
        statuses, type_slugs=slugs or (), name_contains=request.query_params.get("Name", "")
    )
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
    snapshot = find_snapshot_v0(panel_name, statuses, versioned=bool(raw_version))
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
    symbols = None if genes == "all" else resolve_gene_names(g.strip() for g in genes.split(",") if g.strip())
    kept = []
    for entity in genes_on_visible_panels(symbols, _split(request, "panel_name")):
        item = representation.gene_entity_dict(entity)
        if _keep(item, request):
            kept.append((entity, shapes.gene_item(item, assembly)))
    results = [_gene_row(row, entity.panel) for entity, row in kept]
    # Then, as PanelApp v0, each gene once more for every super panel that includes its panel,
    # grouped by super panel (in the order they first appear), with the super panel's details.
    parents = super_panels_of([entity.panel.pk for entity, _ in kept], VISIBLE_STATUSES)
    by_super: dict[int, list[dict[str, Any]]] = {}
    for entity, row in kept:
        for parent in parents[entity.panel.pk]:
            by_super.setdefault(parent.panel_id, []).append(_gene_row(row, parent))
    for rows in by_super.values():
        results.extend(rows)
    return Response({"results": results, "meta": {"numOfResults": len(results)}})


def _gene_row(gene: dict[str, Any], snapshot: GenePanelSnapshot) -> dict[str, Any]:
    """A ``search_genes`` row: the gene's keys, the panel's, then ``Evidences`` last."""
    title = snapshot.level4title
    row = dict(gene)
    row.update(
        {
            "version": snapshot.version,
            "SpecificDiseaseName": title.name,
            "DiseaseGroup": title.level2title,
            "DiseaseSubGroup": title.level3title,
        }
    )
    row["Evidences"] = row.pop("Evidences")
    return row


class EntitiesPagination(PageNumberPagination):
    """PanelApp v0's paging of ``list_entities``: 100 a page, ``page_size`` up to 200."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request: Request, paginator: Paginator) -> int | str:
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw == "":
            return 1
        number = parse_id(raw)
        if number is None or number < 1:
            raise NotFound("Invalid page.")
        return number

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param or "")
        if raw is None or raw == "":
            return self.page_size
        number = parse_id(raw)
        if number is None or number < 1:
            raise ParseError(f"page_size must be a whole number from 1 to {self.max_page_size}, not {raw!r}.")
        return min(number, self.max_page_size)


def _codes(request: Request, name: str, codes: dict[str, str]) -> list[str]:
    return [shapes.from_code(codes, value) for value in _split(request, name) or []]


@extend_schema(exclude=True)  # the legacy API; /api/docs/ documents API v1
@api_view(["GET"])
@permission_classes([AllowAny])
def list_entities(request: Request, format: str | None = None) -> Response:
    """Genes, STRs and regions of public and promoted panels, paged, with v0's filters:
    ``entity_name``, ``ModeOfInheritance``, ``ModeOfPathogenicity``, ``Penetrance``,
    ``LevelOfConfidence``, ``Evidences`` (short codes or values, comma-separated), ``panel_name``."""
    _reject_nul(request)
    assembly = _assembly(request)
    levels = []
    for level in _split(request, "LevelOfConfidence") or []:
        if level not in shapes.LEVEL_CODES:
            raise ParseError(f"LevelOfConfidence must be one of {', '.join(shapes.LEVEL_CODES)}, not {level!r}.")
        levels.append(shapes.LEVEL_CODES[level])
    filters = LegacyEntityFilters(
        names=resolve_gene_names(_split(request, "entity_name") or []),
        mois=_codes(request, "ModeOfInheritance", MOI_SHORT_CODES),
        mops=_codes(request, "ModeOfPathogenicity", shapes.MOP_SHORT_CODES),
        penetrances=_split(request, "Penetrance") or [],
        levels=levels,
        evidences=_codes(request, "Evidences", shapes.EVIDENCE_SHORT_CODES),
        panel_names=_split(request, "panel_name") or [],
    )
    paginator = EntitiesPagination()
    page = paginator.paginate_queryset(legacy_entities(filters), request) or []
    items = [
        shapes.entity_item(representation.entity_dict(entity), shapes.entity_panel(entity.panel), assembly)
        for entity in page
    ]
    return paginator.get_paginated_response(items)
