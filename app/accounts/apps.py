from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Here, not at the top: the receivers' module imports the models, which Django loads only
        # after this module (the app registry imports each app's config first).
        from . import signals  # noqa: F401 - importing it connects the receivers
