"""Routes of the PanelApp domain (web UI, accounts, API), included by panelapp.urls."""
from django.urls import include, path

from panels.views import autocomplete
from panels.views.home import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    path("panels/", include("panels.urls")),
    path("autocomplete/gene/", autocomplete.genes, name="autocomplete_gene"),
    path("api/", include("api.urls")),
]
