"""Bad-input probes of every route: hostile values in each path segment and query parameter.

``ROUTES`` names every URL pattern of the site (by its ``namespace:name``) with the requests that
put hostile values into it; test_routes_are_probed fails when a route is added without probes.
``run`` sends them through a Django test client and returns every answer that is a 5xx. The same
table runs on PostgreSQL (the test settings) and on SQLite (the embedded default, in a subprocess:
see sqlite_probe.py), as numbers and text behave differently on each.

Placeholders: ``{v}`` a hostile value (URL-quoted in paths), ``{panel}`` a real panel id,
``{gene}`` a gene on that panel, ``{str}`` an STR on it, ``{review}`` a review id of that gene.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

#: Values that once gave a 500 or are known traps: non-ASCII digits (superscripts pass
#: str.isdigit() but int() refuses them; Arabic-Indic digits int() accepts), numbers beyond 64
#: bits, signs, spaces and underscores int() accepts, SQL wildcards, quotes, long text, NUL,
#: right-to-left override, and text that looks like a version or JSON.
HOSTILE = [
    "²",
    "١٢",
    "9223372036854775807",
    "9223372036854775808",
    "9" * 40,
    "-1",
    "+1",
    " 1",
    "1_0",
    "0x1f",
    "1.10",
    "%_%",
    "'\"<x>",
    "x" * 300,
    "a\x00b",
    "\u202e1",
    "null",
    "../1",
]
#: The values tried in each query parameter (the path segments get all of HOSTILE).
PARAM_HOSTILE = ["²", "١٢", "9223372036854775808", "-1", " 1", "1.10", "%_%", "x" * 300, "a\x00b"]
#: Form fields the write routes read, each filled with a hostile value on POST.
FORM_FIELDS = [
    "name",
    "gene",
    "gene_symbol",
    "level4",
    "level2",
    "level3",
    "status",
    "comment",
    "rating",
    "moi",
    "tags",
    "sources",
    "phenotypes",
    "publications",
    "chromosome",
    "position_38_start",
    "position_38_end",
    "repeated_sequence",
    "normal_repeats",
    "pathogenic_repeats",
    "version",
    "child_panels",
    "types",
    "email",
    "username",
    "password",
    "new_password1",
    "new_password2",
    "old_password",
    "panel",
    "entity",
    "date_from",
    "promotion_comment",
]


@dataclass(frozen=True)
class Route:
    paths: tuple[str, ...]
    params: tuple[str, ...] = ()
    post: bool = False  # also POST the hostile form fields (as a curator)


@dataclass
class Context:
    panel: int
    gene: str
    str: str
    review: int
    admin: str = "admin/"
    answers: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)


P = "panels/{panel}"
E = "panels/{panel}/gene/{gene}"
API_LIST = ("page", "entity_name", "confidence_level", "tags", "type", "panel_name", "version", "format")

ROUTES: dict[str, Route] = {
    "version": Route(("version/",)),
    "health": Route(("health/",), ("token",)),
    "cognito-logout": Route(("cognito/logout/",)),
    "home": Route(("",)),
    "admin-login": Route(("{admin}login/",), ("next",), post=True),
    "accounts:login": Route(("accounts/login/",), ("next",), post=True),
    "accounts:logout": Route(("accounts/logout/",), ("next",)),  # a POST would end the probing session
    "accounts:register": Route(("accounts/registration/",), post=True),
    "accounts:registered": Route(("accounts/registration/done/",)),
    "accounts:verify_email": Route(
        ("accounts/verify_email/{v}/{v}/", "accounts/verify_email/Y3VyYXRvckBleGFtcGxlLm9yZw/{v}/")
    ),
    "accounts:profile": Route(("accounts/profile/",)),
    "accounts:regenerate_token": Route(("accounts/profile/token/",), post=True),
    "accounts:change_password": Route(("accounts/change_password/",), post=True),
    "accounts:password_reset": Route(("accounts/password_reset/",), post=True),
    "accounts:password_reset_done": Route(("accounts/password_reset/done/",)),
    "accounts:password_reset_confirm": Route(("accounts/reset/{v}/{v}/", "accounts/reset/MQ/{v}/")),
    "panels:index": Route(("panels/",), ("search", "gene", "page")),
    "panels:create": Route(("panels/create/",), post=True),
    "panels:entities": Route(("panels/entities/",), ("tag",)),
    "panels:entity_panels": Route(("panels/entities/{v}", "panels/entities/{gene}"), ("tag_filter",)),
    "panels:gene_redirect": Route(("panels/genes/{v}",)),
    "panels:genes_index": Route(("panels/genes/",), ("tag",)),
    "panels:panel_gene": Route(("panels/{v}/BRCA1/", P + "/{v}/")),
    "panels:activity": Route(
        ("panels/activity/",), ("panel", "version", "entity", "entity_type", "date_from", "date_to", "page", "format")
    ),
    "panels:import_tools": Route(("panels/admin/",)),
    "panels:upload": Route(("panels/upload/{v}/", "panels/upload/panels/"), post=True),
    "panels:upload_status": Route(("panels/uploads/{v}/1/", "panels/uploads/panels/{v}/")),
    "panels:detail": Route(("panels/{v}/", P + "/"), ("gene",)),
    "panels:update": Route(("panels/{v}/update", P + "/update"), post=True),
    "panels:promote": Route(("panels/{v}/promote", P + "/promote"), post=True),
    "panels:status": Route(("panels/{v}/status", P + "/status"), post=True),
    "panels:mark_not_ready": Route(("panels/{v}/mark_not_ready", P + "/mark_not_ready"), post=True),
    "panels:download": Route(("panels/{v}/download/01234/", P + "/download/{v}/")),
    "panels:download_version": Route(("panels/{v}/download_version/", P + "/download_version/"), post=True),
    "panels:download_genes": Route(("panels/download_genes/",)),
    "panels:download_strs": Route(("panels/download_strs/",)),
    "panels:download_regions": Route(("panels/download_regions/",)),
    "panels:download_panels": Route(("panels/download_panel/",)),
    "panels:compare_form": Route(("panels/compare/",), ("panel_1", "panel_2")),
    "panels:compare": Route(
        ("panels/compare/{v}/{panel}", "panels/compare/{panel}/{v}", "panels/compare/{panel}/{panel}")
    ),
    "panels:compare_entity": Route(
        (
            "panels/compare/{panel}/{panel}/{v}",
            "panels/compare/{v}/{panel}/{gene}",
            "panels/compare/{panel}/{panel}/{gene}",
        ),
        ("type",),
    ),
    "panels:copy_reviews": Route(("panels/copy/{v}/{panel}", "panels/copy/{panel}/{v}"), post=True),
    "panels:edit_comment": Route((E + "/edit_comment/{v}/",)),
    "panels:submit_edit_comment": Route((E + "/submit_edit_comment/{v}/",), post=True),
    "panels:delete_comment": Route((E + "/delete_comment/{v}/",), post=True),
    "panels:clear_sources": Route((E + "/clear_entity_sources", P + "/gene/{v}/clear_entity_sources"), post=True),
    "panels:clear_source": Route((E + "/clear_entity_source/{v}/",), post=True),
    "panels:clear_field": Route((E + "/clear_entity_{v}", P + "/str/{str}/clear_entity_transcript"), post=True),
    "panels:add_entity": Route(("panels/{v}/gene/add", P + "/{v}/add", P + "/gene/add", P + "/str/add"), post=True),
    "panels:entity": Route(("panels/{v}/gene/{gene}/", P + "/{v}/{gene}/", P + "/gene/{v}/", P + "/str/{v}/")),
    "panels:edit_entity": Route((P + "/gene/{v}/edit", E + "/edit", P + "/str/{str}/edit"), post=True),
    "panels:review": Route((P + "/gene/{v}/review", E + "/review"), post=True),
    "panels:approve_entity": Route((P + "/gene/{v}/approve", E + "/approve"), post=True),
    "panels:delete_entity": Route((P + "/gene/{v}/delete",), post=True),
    "panels:delete_review": Route((E + "/delete_evaluation/{v}/",), post=True),
    "panels:curate": Route((E + "/curate/{v}/", E + "/curate/rating/", E + "/curate/tags/"), post=True),
    "panels:legacy_redirect": Route(("panels/0123456789abcdef01234567/{v}",)),
    "releases:list": Route(("releases/",), ("page", "search", "deployment")),
    "releases:create": Route(("releases/create/",), post=True),
    "releases:detail": Route(("releases/{v}/",), ("page",)),
    "releases:edit": Route(("releases/{v}/edit/",), post=True),
    "releases:panels": Route(("releases/{v}/panels/",), post=True),
    "releases:panels-import": Route(("releases/{v}/panels/import/",), post=True),
    "releases:panels-export": Route(("releases/{v}/panels/export/",)),
    "releases:deploy": Route(("releases/{v}/deployment/",), post=True),
    "autocomplete_gene": Route(("autocomplete/gene/",), ("q",)),
    "api:v1:root": Route(("api/v1/",)),
    "api:v1:signedoff-list": Route(("api/v1/panels/signedoff/",), ("page", "panel_id", "display")),
    "api:v1:signedoff-detail": Route(("api/v1/panels/signedoff/{v}/",)),
    "api:v1:panels-list": Route(("api/v1/panels/",), ("page", "name", "retired", "types")),
    "api:v1:panels-detail": Route(("api/v1/panels/{v}/", "api/v1/panels/{panel}/"), ("version",)),
    "api:v1:panels-versions": Route(("api/v1/panels/{v}/versions/",), ("page",)),
    "api:v1:panels-activities": Route(("api/v1/panels/{v}/activities/",)),
    "api:v1:panel-genes-list": Route(("api/v1/panels/{v}/genes/", "api/v1/panels/{panel}/genes/"), API_LIST),
    "api:v1:panel-strs-list": Route(("api/v1/panels/{v}/strs/", "api/v1/panels/{panel}/strs/"), API_LIST),
    "api:v1:panel-regions-list": Route(("api/v1/panels/{v}/regions/", "api/v1/panels/{panel}/regions/"), API_LIST),
    "api:v1:panel-genes-evaluations": Route(
        ("api/v1/panels/{v}/genes/{v}/evaluations/", "api/v1/panels/{panel}/genes/{gene}/evaluations/"),
        ("page", "version", "include_comments"),
    ),
    "api:v1:panel-strs-evaluations": Route(("api/v1/panels/{panel}/strs/{v}/evaluations/",), ("page", "version")),
    "api:v1:panel-regions-evaluations": Route(("api/v1/panels/{panel}/regions/{v}/evaluations/",), ("version",)),
    "api:v1:genes-list": Route(("api/v1/genes/",), API_LIST),
    "api:v1:genes-detail": Route(("api/v1/genes/{v}/",), API_LIST),
    "api:v1:strs-list": Route(("api/v1/strs/",), API_LIST),
    "api:v1:strs-detail": Route(("api/v1/strs/{v}/",), ("page",)),
    "api:v1:regions-list": Route(("api/v1/regions/",), API_LIST),
    "api:v1:regions-detail": Route(("api/v1/regions/{v}/",), ("page",)),
    "api:v1:entities-list": Route(("api/v1/entities/",), API_LIST),
    "api:v1:entities-detail": Route(("api/v1/entities/{v}/",), API_LIST),
    "api:v1:activities-list": Route(("api/v1/activities/",), ("page",)),
    "api:docs": Route(("api/docs/",)),
    "api:schema": Route(("api/docs.json",)),
    "api:schema-yaml": Route(("api/docs.yaml",)),
    "webservices:get_panel": Route(
        ("WebServices/get_panel/{v}/", "WebServices/get_panel/{panel}/"),
        ("version", "assembly", "LevelOfConfidence", "Evidences", "ModeOfInheritance"),
    ),
    "webservices:search_genes": Route(
        ("WebServices/search_genes/{v}/", "WebServices/search_genes/{gene}/"),
        ("panel_name", "assembly", "LevelOfConfidence", "Evidences"),
    ),
    "webservices:list_panels": Route(("WebServices/list_panels/",), ("Name", "Retired", "Types")),
    "webservices:list_entities": Route(
        ("WebServices/list_entities/",),
        (
            "page",
            "page_size",
            "entity_name",
            "panel_name",
            "assembly",
            "ModeOfInheritance",
            "ModeOfPathogenicity",
            "Penetrance",
            "LevelOfConfidence",
            "Evidences",
        ),
    ),
    "crowdsourcing": Route(("crowdsourcing/WebServices/{v}",)),
    "crowdsourcing_home": Route(("crowdsourcing/",)),
    "crowdsourcing_panelapp": Route(("crowdsourcing/PanelApp/",), ("next",)),
    "crowdsourcing_genes": Route(("crowdsourcing/PanelApp/Genes",)),
    "crowdsourcing_gene": Route(("crowdsourcing/PanelApp/Genes/{v}",)),
    "crowdsourcing_panel_browser": Route(("crowdsourcing/PanelApp/PanelBrowser",)),
    "crowdsourcing_edit_panel": Route(("crowdsourcing/PanelApp/EditPanel/{v}",)),
    "crowdsourcing_gene_review": Route(
        (
            "crowdsourcing/PanelApp/GeneReview/{v}/BRCA1",
            "crowdsourcing/PanelApp/GeneReview/0123456789abcdef01234567/{v}",
        )
    ),
    "admin:accounts_user_confirm_reviewer": Route(("{admin}accounts/user/{v}/actions/confirm_reviewer/",), post=True),
}


def _fill(template: str, ctx: Context, value: str) -> str:
    return template.format(
        v=quote(value, safe=""), panel=ctx.panel, gene=ctx.gene, str=ctx.str, review=ctx.review, admin=ctx.admin
    )


def requests_of(route: Route, ctx: Context):
    """(method, path, data) of every probe of ``route``: each hostile value in each path segment,
    and in each query parameter (on the first path without a hostile segment, else the first)."""
    plain = [t for t in route.paths if "{v}" not in t]
    param_path = "/" + _fill((plain or list(route.paths))[0], ctx, "1")
    for template in route.paths:
        if "{v}" not in template:
            yield "GET", "/" + _fill(template, ctx, ""), {}
            continue
        for value in HOSTILE:
            yield "GET", "/" + _fill(template, ctx, value), {}
    for param in route.params:
        for value in PARAM_HOSTILE:
            yield "GET", param_path, {param: value}
    if route.post:
        for value in HOSTILE:
            yield "POST", "/" + _fill(route.paths[-1], ctx, value), dict.fromkeys(FORM_FIELDS, value)


def run(clients: dict, ctx: Context, names=None) -> list[tuple]:
    """Every probe through every client ({label: django.test.Client}); the 5xx answers."""
    import time

    failures = []
    for name, route in ROUTES.items():
        if names is not None and name not in names:
            continue
        started = time.monotonic()
        for method, path, data in requests_of(route, ctx):
            for label, client in clients.items():
                if label == "anonymous" and method == "POST":
                    continue
                if label != "anonymous" and name.startswith(("api:", "webservices:")):
                    continue  # the public APIs parse the same for everyone
                response = client.get(path, data) if method == "GET" else client.post(path, data)
                ctx.answers.append(response.status_code)
                if response.status_code >= 500:
                    failures.append((label, method, path, data and list(data.items())[:1], response.status_code))
        ctx.timings[name] = time.monotonic() - started
    return failures
