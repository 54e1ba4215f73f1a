"""The Celery application of PanelApp: configured from Django settings (CELERY_* names).

`celery -A panelapp` finds `app` here. panelapp.apps imports this module when Django starts so
that `@shared_task` functions bind to it.
"""
import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

from panelapp import contract

os.environ.setdefault("DJANGO_SETTINGS_MODULE", contract.DEFAULT_SETTINGS_MODULE)

app = Celery("panelapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**_kwargs) -> None:
    """Connecting this signal stops Celery from installing its own plain-text handlers: the
    worker and beat log JSON lines through Django's LOGGING, at DJANGO_LOG_LEVEL."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
