from django.urls import re_path
from rest_framework.urlpatterns import format_suffix_patterns

from . import views

app_name = "webservices"
urlpatterns = format_suffix_patterns(
    [
        re_path(r"^get_panel/(?P<panel_name>[^/]+)/$", views.get_panel, name="get_panel"),
        re_path(r"^search_genes/(?P<genes>[^/]+)/$", views.search_genes, name="search_genes"),
        re_path(r"^list_panels/$", views.list_panels, name="list_panels"),
        re_path(r"^list_entities/$", views.list_entities, name="list_entities"),
    ],
    allowed=["json"],
)
