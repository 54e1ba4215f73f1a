"""The OpenAPI schema of API v1 and its interactive documentation (Swagger UI, served locally)."""

from django.templatetags.static import static
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView, SpectacularYAMLAPIView

SCHEMA_SETTINGS = {
    "TITLE": "PanelApp API",
    "VERSION": "v1",
    "DESCRIPTION": (
        "Read-only access to PanelApp's gene panels: panels and their versions, genes, STRs and "
        "regions with their ratings, reviews, activity and signed-off versions. Authentication is "
        "optional (header `Authorization: Token <key>`, key on your profile page); it only widens "
        "the activity feed for curators. Lists are paginated, 100 items per page."
    ),
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": False,
    "ENUM_NAME_OVERRIDES": {"DosageScoreEnum": "api.v1.serializers.DOSAGE_SCORES"},
}


class SchemaJSON(SpectacularJSONAPIView):
    custom_settings = SCHEMA_SETTINGS


class SchemaYAML(SpectacularYAMLAPIView):
    custom_settings = SCHEMA_SETTINGS


class SwaggerUI(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files: no CDN. Its start-up script is a
    file of its own (``?script``), not inline, so the Content-Security-Policy can forbid inline scripts."""

    title = "PanelApp API"
    url_name = "api:schema"

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return static(f"drf_spectacular_sidecar/swagger-ui-dist/{filename}")

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return static("drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png")
