"""Routes of the PanelApp domain (web UI, accounts, API), included by panelapp.urls."""
from django.urls import include, path

urlpatterns = [
    path("api/", include("api.urls")),
]
