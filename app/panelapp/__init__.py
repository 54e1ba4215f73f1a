"""The PanelApp Django project: configuration only (settings, URLs, WSGI, Celery, gunicorn).

The Celery app is imported with the package (Celery's Django recipe), so that every process that
loads the settings binds ``@shared_task`` functions to it: web, workers, beat and the Jobs.
"""

from panelapp.celery import app as celery_app

__all__ = ["celery_app"]
