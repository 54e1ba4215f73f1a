"""Console commands of the image: what the operator runs in pods and Jobs (see contract.COMMANDS).

Each command uses DJANGO_SETTINGS_MODULE as set (the image sets panelapp.settings.docker-aws) and
defaults to the embedded panelapp.settings.local. Each loads the settings first, so that a broken
environment stops the command at once with one JSON line naming every problem (exit status 2),
instead of a traceback per gunicorn worker or a crash loop with a partial message.
"""

from __future__ import annotations

import json
import logging.config
import os
import sys
import time
from typing import NoReturn

from celery.__main__ import main as celery_main
from django.conf import settings
from django.core.management import execute_from_command_line
from gunicorn.app.wsgiapp import run as gunicorn_run

from runtime import backup as backups
from runtime import contract
from runtime.environment import ConfigurationError
from runtime.gunicorn_settings import settings_from_environment, worker_memory_limit
from runtime.metrics import multiprocess as metrics_files

EXIT_CONFIGURATION = 2


def exit_with_configuration_error(error: ConfigurationError) -> NoReturn:
    line = {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "level": "CRITICAL",
        "logger": "panelapp.configuration",
        "message": f"PanelApp cannot start with {error.settings_module}: " + "; ".join(error.problems),
        "problems": error.problems,
    }
    print(json.dumps(line), file=sys.stderr, flush=True)
    sys.exit(EXIT_CONFIGURATION)


def load_settings() -> None:
    """Import the settings module now (validating the environment), or exit naming every problem."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", contract.DEFAULT_SETTINGS_MODULE)
    try:
        settings.INSTALLED_APPS  # noqa: B018 - the first access imports and validates the module
    except ConfigurationError as error:
        exit_with_configuration_error(error)
    configure_logging(settings.LOGGING)


def configure_logging(config: dict) -> None:
    """JSON logging from the very start, warnings included: Celery and gunicorn warn (e.g. about
    running as root) before they configure logging themselves."""
    logging.config.dictConfig(config)
    logging.captureWarnings(True)


def manage_main(argv: list[str]) -> None:
    load_settings()
    execute_from_command_line(argv)


def manage() -> None:
    """``panelapp-manage <command> ...``: manage.py passthrough."""
    manage_main(["panelapp-manage", *sys.argv[1:]])


def migrate() -> None:
    manage_main(["panelapp-manage", "migrate", "--noinput", *sys.argv[1:]])


def collectstatic() -> None:
    # Never --clear: the pods of the previous version still serve pages that link the old files.
    manage_main(["panelapp-manage", "collectstatic", "--noinput", *sys.argv[1:]])


def check() -> None:
    """Validate the environment contract (and the gunicorn variables), then Django's checks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", contract.DEFAULT_SETTINGS_MODULE)
    problems: list[str] = []
    module = os.environ["DJANGO_SETTINGS_MODULE"]
    try:
        load_settings_quietly()
    except ConfigurationError as error:
        problems += error.problems
    problems += gunicorn_problems()
    if problems:
        exit_with_configuration_error(ConfigurationError(problems, module))
    manage_main(["panelapp-manage", "check", *sys.argv[1:]])


def gunicorn_problems() -> list[str]:
    """Every problem of the web server's variables: GUNICORN_* and WEB_WORKER_MAX_MEMORY_MB."""
    problems: list[str] = []
    for validate in (settings_from_environment, worker_memory_limit):
        try:
            validate(os.environ)
        except ConfigurationError as error:
            problems += error.problems
    return problems


def prepare_metrics() -> None:
    """With METRICS_PORT set: the folder every process of the pod writes its metrics to, made
    ready before gunicorn or Celery forks (runtime.metrics.multiprocess)."""
    if settings.METRICS_PORT:
        metrics_files.prepare()


def load_settings_quietly() -> None:
    settings.INSTALLED_APPS  # noqa: B018 - the first access imports and validates the module


def web() -> None:
    """``panelapp-web [gunicorn args]``: gunicorn with panelapp.gunicorn_config."""
    load_settings()
    problems = gunicorn_problems()
    if problems:
        exit_with_configuration_error(ConfigurationError(problems, "panelapp.gunicorn_config"))
    prepare_metrics()
    sys.argv = [
        "panelapp-web",
        "--config",
        "python:panelapp.gunicorn_config",
        *sys.argv[1:],
        "panelapp.wsgi:application",
    ]
    sys.exit(gunicorn_run())


def _celery(arguments: list[str]) -> NoReturn:
    sys.argv = ["celery", "--app=panelapp", "--quiet", *arguments]
    sys.exit(celery_main())


def worker() -> None:
    """``panelapp-worker [celery worker args]``: consume TASK_QUEUE_NAME (e.g. --concurrency=2)."""
    load_settings()
    prepare_metrics()
    _celery(
        [
            "worker",
            f"--queues={settings.CELERY_TASK_DEFAULT_QUEUE}",
            f"--loglevel={settings.LOGGING['root']['level']}",
            # SQS has no broadcast: gossip, mingle and heartbeats would need queues the app may not create.
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *sys.argv[1:],
        ]
    )


def beat() -> None:
    """``panelapp-beat``: send the periodic tasks (run exactly one)."""
    load_settings()
    _celery(["beat", f"--loglevel={settings.LOGGING['root']['level']}", *sys.argv[1:]])


def backup() -> None:
    """``panelapp-backup --bucket B --prefix P [--label L] [--keep N]``: pg_dump to S3 (runtime.backup)."""
    backups.main()


def restore() -> None:
    """``panelapp-restore --object s3://B/KEY``: a panelapp-backup dump back into the database."""
    backups.restore_main()
