from django.apps import AppConfig


class HomepageConfig(AppConfig):
    name = "homepage"
    verbose_name = "Home page"
    default_auto_field = "django.db.models.BigAutoField"
