from django.apps import AppConfig


class PanelAppConfig(AppConfig):
    name = "panelapp"
    default_auto_field = "django.db.models.BigAutoField"
