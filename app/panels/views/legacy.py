"""Addresses of PanelApp v1 (``/crowdsourcing/...``) and of earlier versions of this UI, sent
on to today's pages as PanelApp sends them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse

from ..selectors.panels import panel_id_of_legacy_id


def _with_query(request: HttpRequest, url: str) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def _permanent(request: HttpRequest, url: str) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(_with_query(request, url))


def _reverse_or(route: str, args: list, fallback: str) -> str:
    try:
        return reverse(route, args=args)
    except NoReverseMatch:  # a name that cannot be a path segment (a '/')
        return fallback


def home(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """``/crowdsourcing/`` and ``/crowdsourcing/PanelApp/``: the home page."""
    return _permanent(request, "/")


def gene_list(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """``/crowdsourcing/PanelApp/Genes``: the genes list (at its old address, which redirects too)."""
    return _permanent(request, "/panels/genes/")


def gene(request: HttpRequest, gene_symbol: str) -> HttpResponsePermanentRedirect:
    """``/crowdsourcing/PanelApp/Genes/<symbol>``: the panels holding it."""
    return _permanent(request, _reverse_or("panels:entity_panels", [gene_symbol], "/panels/entities/"))


def panel_browser(request: HttpRequest) -> HttpResponsePermanentRedirect:
    return _permanent(request, reverse("panels:index"))


def edit_panel(request: HttpRequest, old_pk: str) -> HttpResponsePermanentRedirect:
    """``/crowdsourcing/PanelApp/EditPanel/<v1 id>``: the panel, or the panel list if unknown."""
    panel_id = panel_id_of_legacy_id(old_pk)
    return _permanent(request, "/panels/" if panel_id is None else reverse("panels:detail", args=[panel_id]))


def gene_review(request: HttpRequest, old_pk: str, gene_symbol: str) -> HttpResponsePermanentRedirect:
    """``/crowdsourcing/PanelApp/GeneReview/<v1 id>/<symbol>``: the gene on that panel."""
    panel_id = panel_id_of_legacy_id(old_pk)
    if panel_id is None:
        return _permanent(request, "/panels/")
    return _permanent(request, _reverse_or("panels:entity", [panel_id, "gene", gene_symbol], "/panels/"))


def genes_index(request: HttpRequest) -> HttpResponseRedirect:
    """``/panels/genes/``: the genes and entities A-Z (a temporary redirect, as in PanelApp)."""
    return HttpResponseRedirect(_with_query(request, reverse("panels:entities")))


def panel_gene(request: HttpRequest, pk: int, entity_name: str) -> HttpResponseRedirect:
    """``/panels/<id>/<symbol>/``, the entity page's address before STRs and regions."""
    return HttpResponseRedirect(_reverse_or("panels:entity", [pk, "gene", entity_name], f"/panels/{pk}/"))
