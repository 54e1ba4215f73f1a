"""PanelApp v1's addresses (``/crowdsourcing/...``), included by panelapp.domain_urls."""

from django.urls import path, re_path

from .views import legacy

urlpatterns = [
    path("", legacy.home, name="crowdsourcing_home"),
    path("PanelApp/", legacy.home, name="crowdsourcing_panelapp"),
    path("PanelApp/Genes", legacy.gene_list, name="crowdsourcing_genes"),
    re_path(r"^PanelApp/Genes/(?P<gene_symbol>.+)$", legacy.gene, name="crowdsourcing_gene"),
    path("PanelApp/PanelBrowser", legacy.panel_browser, name="crowdsourcing_panel_browser"),
    re_path(r"^PanelApp/EditPanel/(?P<old_pk>[a-z0-9]{1,64})$", legacy.edit_panel, name="crowdsourcing_edit_panel"),
    re_path(
        r"^PanelApp/GeneReview/(?P<old_pk>[a-z0-9]{1,64})/(?P<gene_symbol>.+)$",
        legacy.gene_review,
        name="crowdsourcing_gene_review",
    ),
]
