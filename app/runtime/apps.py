from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "runtime"
    # The label the models and migrations had in the project package: existing databases keep the
    # table panelapp_completedtask and their django_migrations rows, with no new migration.
    label = "panelapp"
    verbose_name = "PanelApp"
    default_auto_field = "django.db.models.BigAutoField"
