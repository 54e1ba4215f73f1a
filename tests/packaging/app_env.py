"""A complete docker-aws environment for starting the app image's commands in the image tests.
Nothing in it opens the database: /version/ and the worker's start-up do not query it."""

from __future__ import annotations

from tests.fixtures.services import free_port


def production_env(aws: dict[str, str] | None = None) -> dict[str, str]:
    """The mandatory variables of panelapp.settings.docker-aws; `aws` (e.g. the moto fixture's
    environment) overrides the AWS ones."""
    return {
        "AWS_REGION": "eu-west-2",
        "AWS_S3_STATICFILES_BUCKET_NAME": "panelapp-static",
        "AWS_S3_MEDIAFILES_BUCKET_NAME": "panelapp-media",
        **(aws or {}),
        "SECRET_KEY": "image-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "panelapp.example.org",
        "PANEL_APP_BASE_URL": "https://panelapp.example.org",
        "AWS_S3_STATICFILES_CUSTOM_DOMAIN": "static.example.org",
        "AWS_S3_MEDIAFILES_CUSTOM_DOMAIN": "media.example.org",
        "DATABASE_URL": f"postgresql://panelapp:unused@127.0.0.1:{free_port()}/panelapp",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "25",
        "DEFAULT_FROM_EMAIL": "panelapp@example.org",
        "PANEL_APP_EMAIL": "panelapp@example.org",
        "BROKER_POLLING_INTERVAL": "0",
    }
