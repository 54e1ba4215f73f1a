"""The Celery application of PanelApp: configured from Django settings (CELERY_* names).

`celery -A panelapp` finds `app` here. The package imports this module (panelapp/__init__.py) so
that `@shared_task` functions bind to it in every process that loads the settings.
"""

import logging
import logging.config
import os

from celery import Celery
from celery.signals import setup_logging, worker_init, worker_process_init, worker_ready, worker_shutting_down
from django.conf import settings

from runtime import contract

os.environ.setdefault("DJANGO_SETTINGS_MODULE", contract.DEFAULT_SETTINGS_MODULE)

app = Celery("panelapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**_kwargs) -> None:
    """Connecting this signal stops Celery from installing its own plain-text handlers: the
    worker and beat log JSON lines through Django's LOGGING, at DJANGO_LOG_LEVEL."""
    logging.config.dictConfig(settings.LOGGING)


@worker_ready.connect
def shut_down_quietly(sender, **_kwargs) -> None:
    """Celery prints "worker: Warm shutdown" as plain text on SIGTERM (every pod stop); re-install
    its own handler without that print, and log the shutdown as JSON instead (below)."""
    # The worker's machinery takes half a second to import: only a worker process gets here.
    from celery.apps import worker as celery_worker

    # Celery's own function, which celery-types does not list.
    celery_worker.install_worker_term_handler(sender.controller, verbose=False)  # type: ignore[attr-defined]


@worker_shutting_down.connect
def log_shutdown(sig=None, how=None, **_kwargs) -> None:
    logging.getLogger("panelapp.celery").info("%s shutdown requested by %s", how, sig)


@worker_init.connect
def serve_metrics(**_kwargs) -> None:
    """With METRICS_PORT set, in the worker's main process before its pool forks: count and time
    the tasks (the children inherit the handlers) and serve the pod's metrics, with the queue's
    depth (runtime.metrics)."""
    if not settings.METRICS_PORT:
        return
    # Imported only with metrics on, after panelapp-worker prepared their folder: prometheus_client
    # picks its multiprocess mode when first imported (runtime.metrics.multiprocess).
    from runtime.metrics import queue, server, tasks

    tasks.connect()
    server.serve(settings.METRICS_PORT, collectors=[queue.broker_queue()])


@worker_process_init.connect
def let_go_of_the_metrics_socket(**_kwargs) -> None:
    """In a pool child: the fork copied the main process's metrics socket; close the copy."""
    if settings.METRICS_PORT:
        from runtime.metrics import server  # imported in the main process already (serve_metrics)

        server.close_inherited()
