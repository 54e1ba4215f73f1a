"""The app's metrics: names, labels and buckets (docs/configuration.md, "Metrics", lists them).

Imported only once metrics are on and runtime.metrics.multiprocess has prepared the folder: in
multiprocess mode each process writes its values to its own files there.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

#: Seconds; up to the web's timeout range (GUNICORN_TIMEOUT is 300 s by default).
REQUEST_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
#: Queries per request: the selectors read in a fixed, small number; a large one is a regression.
QUERIES = (0, 1, 2, 3, 5, 8, 13, 20, 30, 50, 100, 200, 500)
#: Seconds; from an email to an import of a large panel file.
TASK_SECONDS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)

HTTP_REQUESTS = Counter(
    "panelapp_http_requests",
    "Requests answered, by view (URL name), method and status code.",
    ["view", "method", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "panelapp_http_request_duration_seconds",
    "Seconds from the request reaching Django to its response, by view.",
    ["view"],
    buckets=REQUEST_SECONDS,
)
HTTP_REQUEST_QUERIES = Histogram(
    "panelapp_http_request_db_queries",
    "Database queries made by one request, by view.",
    ["view"],
    buckets=QUERIES,
)
CELERY_TASKS = Counter(
    "panelapp_celery_tasks",
    "Celery tasks run, by task name and outcome (succeeded, failed, retried).",
    ["task", "state"],
)
CELERY_TASK_SECONDS = Histogram(
    "panelapp_celery_task_duration_seconds",
    "Seconds one Celery task ran, by task name.",
    ["task"],
    buckets=TASK_SECONDS,
)

#: Every metric above, for the documentation and the dashboard's test.
METRICS = (HTTP_REQUESTS, HTTP_REQUEST_SECONDS, HTTP_REQUEST_QUERIES, CELERY_TASKS, CELERY_TASK_SECONDS)
