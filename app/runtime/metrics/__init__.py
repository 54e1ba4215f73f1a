"""Prometheus metrics of panelapp-web and panelapp-worker, served on METRICS_PORT (GET /metrics).

Off unless METRICS_PORT is set. Gunicorn's workers and Celery's prefork children are processes of
their own, so the figures are kept in prometheus_client's multiprocess mode: each process writes
its own files in PROMETHEUS_MULTIPROC_DIR, and one HTTP server per pod (in gunicorn's master, in
the Celery worker's main process) adds them up at scrape time.

- ``multiprocess``: the folder of those files, made ready before prometheus_client is imported;
- ``definitions``: the metrics themselves (names, labels, buckets);
- ``http``: the middleware that counts and times each request and its database queries;
- ``tasks``: the Celery signal handlers that count and time each task;
- ``queue``: the SQS queue's depth, read at scrape time (worker only);
- ``server``: the HTTP server and the bookkeeping of processes that come and go.

Labels hold only bounded, public values (URL names, task names, the queue's name): never a raw
path, a query string, a user or a secret.
"""
