"""Routes of the PanelApp domain (web UI, accounts, API), included by panelapp.urls."""

from django.urls import include, path, re_path
from django.views.generic import RedirectView

from panels.views import autocomplete
from panels.views.home import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    path("panels/", include("panels.urls")),
    path("releases/", include("releases.urls")),
    path("autocomplete/gene/", autocomplete.genes, name="autocomplete_gene"),
    path("api/", include("api.urls")),
    path("WebServices/", include("webservices.urls")),
    # PanelApp v1's addresses of the same services.
    path("crowdsourcing/", include("panels.legacy_urls")),
    re_path(
        r"^crowdsourcing/WebServices/(?P<rest>.*)$",
        RedirectView.as_view(url="/WebServices/%(rest)s", permanent=True, query_string=True),
    ),
]
