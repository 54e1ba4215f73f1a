from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "mirror"
    label = "mirror"
    verbose_name = "Mirror of another PanelApp"
    default_auto_field = "django.db.models.BigAutoField"
