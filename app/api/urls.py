from django.urls import include, path

from . import docs

app_name = "api"
urlpatterns = [
    path("v1/", include("api.v1.urls", namespace="v1")),
    path("docs/", docs.SwaggerUI.as_view(), name="docs"),
    path("docs.json", docs.SchemaJSON.as_view(), name="schema"),
    path("docs.yaml", docs.SchemaYAML.as_view(), name="schema-yaml"),
]
