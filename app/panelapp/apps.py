from django.apps import AppConfig


class PanelAppConfig(AppConfig):
    name = "panelapp"
    verbose_name = "PanelApp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Bind @shared_task functions to PanelApp's Celery app in every process (web, Jobs too).
        from panelapp import celery  # noqa: F401
