"""Prometheus metrics on METRICS_PORT: a real panelapp-web (gunicorn, several workers) and a real
panelapp-worker (Celery over moto SQS) scraped over HTTP; one server per pod, in the master or the
worker's main process, adding up every process; nothing listens without METRICS_PORT."""

from __future__ import annotations

import os
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.urls import resolve
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from runtime.metrics.queue import QueueCollector, sqs_reader
from tests.fixtures.services import VENV_BIN, app_process_env, free_port, wait_until

from .conftest import PRODUCTION, run_command
from .test_email import FlakySink
from .test_startup import configuration_error

pytestmark = pytest.mark.postgres

API_LIST = "api:v1:panels-list"
REQUESTS = "panelapp_http_requests_total"


def scrape(port: int) -> dict[tuple[str, frozenset], float]:
    """{(sample name, labels): value} of GET /metrics on ``port``."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        assert response.status == 200
        text = response.read().decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def listening_ports(pids: list[int]) -> dict[int, set[int]]:
    """{pid: the TCP ports it holds a listening socket of}, from /proc."""
    ports_by_inode = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                ports_by_inode[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    held: dict[int, set[int]] = {}
    for pid in pids:
        held[pid] = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in ports_by_inode:
                held[pid].add(ports_by_inode[target[8:-1]])
    return held


def stale_metrics_folder(folder: Path) -> None:
    """Files of an earlier start in ``folder``: a thousand /version/ requests that are not this start's."""
    code = (
        "from runtime.metrics import definitions; definitions.HTTP_REQUESTS.labels('version', 'GET', '200').inc(1000)"
    )
    env = app_process_env({"PROMETHEUS_MULTIPROC_DIR": str(folder)})
    subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env, check=True, timeout=60)
    assert list(folder.glob("counter_*.db"))


def test_web_counts_times_and_query_counts_requests_by_view(production_env, web_server, tmp_path):
    port, folder = free_port(), tmp_path / "metrics"
    folder.mkdir()
    stale_metrics_folder(folder)
    env = {
        **production_env,
        "GUNICORN_WORKERS": "2",
        "METRICS_PORT": str(port),
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
    }
    web = web_server(env)

    before = scrape(port)
    # The master's warm-up (GET /api/v1/panels/ and others) is not traffic; the stale files are gone.
    assert not [key for key in before if ("view", API_LIST) in key[1]], "the warm-up is not counted"
    assert (value(before, REQUESTS, view="version", method="GET", status="200") or 0) < 1000

    for _ in range(3):
        assert web.get("/api/v1/panels/")[0] == 200
    assert web.get("/does-not-exist/?token=do-not-export-me")[0] == 404
    assert web.get("/panels/999999/")[0] == 404
    samples = scrape(port)

    assert value(samples, REQUESTS, view=API_LIST, method="GET", status="200") == 3
    assert value(samples, REQUESTS, view="unmatched", method="GET", status="404") == 1
    # A route that matched but found nothing keeps its URL name.
    not_found = {dict(labels)["view"] for name, labels in samples if name == REQUESTS and ("status", "404") in labels}
    assert not_found == {"unmatched", resolve("/panels/999999/").view_name}
    # The probes are counted under their own names; the stale thousand is not.
    assert value(samples, REQUESTS, view="version", method="GET", status="200") >= 1
    assert value(samples, REQUESTS, view="version", method="GET", status="200") < 1000

    assert value(samples, "panelapp_http_request_duration_seconds_count", view=API_LIST) == 3
    assert value(samples, "panelapp_http_request_duration_seconds_bucket", view=API_LIST, le="+Inf") == 3
    assert value(samples, "panelapp_http_request_duration_seconds_sum", view=API_LIST) > 0
    assert value(samples, "panelapp_http_request_db_queries_count", view=API_LIST) == 3
    assert value(samples, "panelapp_http_request_db_queries_sum", view=API_LIST) >= 3  # a query each at least
    assert value(samples, "panelapp_http_request_db_queries_sum", view="version") == 0  # the probe reads nothing

    text = "\n".join(f"{name} {sorted(labels)}" for name, labels in samples)
    for private in ("does-not-exist", "do-not-export-me", "999999", "panelapp.example.org"):
        assert private not in text

    # One server for the pod, in the master: the workers let go of the socket their fork copied.
    workers = web.worker_pids()
    held = listening_ports([web.popen.pid, *workers])
    assert port in held[web.popen.pid]
    assert all(port not in held[pid] for pid in workers), held

    # A worker that dies takes nothing with it: its counts stay in its files, the master adds them up.
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    wait_until(lambda: len(set(web.worker_pids()) - set(workers)) == 2, 60, "two new gunicorn workers")
    after = scrape(port)
    assert value(after, REQUESTS, view=API_LIST, method="GET", status="200") == 3
    assert value(after, "panelapp_http_request_db_queries_count", view=API_LIST) == 3


def test_without_metrics_port_nothing_more_listens(production_env, web_server):
    web = web_server({**production_env, "GUNICORN_WORKERS": "1"})
    assert web.get("/api/v1/panels/")[0] == 200
    bound = int(web.base_url.rsplit(":", 1)[1])
    held = listening_ports([web.popen.pid, *web.worker_pids()])
    assert set().union(*held.values()) == {bound}


def test_a_bad_metrics_port_stops_the_start_naming_it(production_env):
    for bad, reason in (("nine-thousand", "must be a whole number"), ("70000", "must be between 1 and 65535")):
        completed = run_command("panelapp-web", env={**production_env, "METRICS_PORT": bad}, timeout=60)
        problems = configuration_error(completed)["problems"]
        assert problems == [f"METRICS_PORT {reason}, got {bad!r}"]


def test_worker_counts_and_times_tasks_and_reads_the_queue_depth(production_env, celery_worker, aws):
    sink = FlakySink(failures=1)  # the first delivery is refused (451): one retry, then success
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        port = free_port()
        env = {
            **production_env,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(controller.port),
            "METRICS_PORT": str(port),
        }
        worker = celery_worker(env=env, settings=PRODUCTION, concurrency=2)
        # A message the worker cannot take for 15 minutes: the queue's "delayed" depth.
        aws.sqs().send_message(QueueUrl=aws.queue_url, MessageBody="{}", DelaySeconds=900)
        send = (
            "from panelapp.celery import app\n"
            "app.send_task('panelapp.tasks.send_email', args=['reader@example.org', 'Counted', 'text'])\n"
            "app.send_task('panelapp.tasks.send_email', args=[])  # no arguments: the task fails\n"
        )
        published = run_command("panelapp-manage", "shell", "--no-imports", "-c", send, env=env)
        assert published.returncode == 0, published.stderr
        wait_until(lambda: sink.messages, 60, "the retried email to be delivered")

        task = "panelapp.tasks.send_email"
        samples = wait_until(
            lambda: (
                (found := scrape(port))
                and value(found, "panelapp_celery_tasks_total", task=task, state="succeeded")
                and value(found, "panelapp_celery_tasks_total", task=task, state="failed")
                and found
            ),
            30,
            "the tasks' counts",
        )
    finally:
        controller.stop()
    assert value(samples, "panelapp_celery_tasks_total", task=task, state="succeeded") == 1
    assert value(samples, "panelapp_celery_tasks_total", task=task, state="failed") == 1
    assert value(samples, "panelapp_celery_tasks_total", task=task, state="retried") == 1
    assert value(samples, "panelapp_celery_task_duration_seconds_count", task=task) == 3
    assert value(samples, "panelapp_celery_task_duration_seconds_sum", task=task) > 0

    queue = aws.queue_name
    assert value(samples, "panelapp_queue_messages", queue=queue, state="delayed") == 1
    assert value(samples, "panelapp_queue_messages", queue=queue, state="visible") is not None
    assert value(samples, "panelapp_queue_messages", queue=queue, state="in_flight") is not None
    assert value(samples, "panelapp_queue_read_errors_total") == 0

    # One server for the pod, in the main process; the pool's children let go of the socket.
    pool = children(worker.popen.pid)
    held = listening_ports([worker.popen.pid, *pool])
    assert port in held[worker.popen.pid]
    assert pool and all(port not in held[pid] for pid in pool), held


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def collected(collector: QueueCollector) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in collector.collect()
        for sample in family.samples
    }


def test_the_queue_depth_is_read_at_most_every_15_seconds_and_a_failed_read_keeps_the_last_one(aws):
    reads = []
    real = sqs_reader({aws.queue_name: {"url": aws.queue_url}}, aws.queue_name, aws.sqs)
    broken = {"now": False}

    def read():
        reads.append(1)
        if broken["now"]:
            raise ConnectionError("SQS is away")
        return real()

    clock = Clock()
    collector = QueueCollector(aws.queue_name, read, clock=clock)
    CollectorRegistry().register(collector)
    assert not reads, "registering (describe) reads nothing"
    aws.sqs().send_message(QueueUrl=aws.queue_url, MessageBody="waiting")
    visible = ("panelapp_queue_messages", frozenset({("queue", aws.queue_name), ("state", "visible")}))
    errors = ("panelapp_queue_read_errors_total", frozenset())

    assert collected(collector)[visible] == 1
    aws.sqs().send_message(QueueUrl=aws.queue_url, MessageBody="another")
    clock.now += 14
    assert collected(collector)[visible] == 1 and len(reads) == 1  # cached
    clock.now += 1
    assert collected(collector)[visible] == 2 and len(reads) == 2

    broken["now"] = True
    clock.now += 15
    samples = collected(collector)
    assert (samples[visible], samples[errors]) == (2, 1)  # the last figures, and the failure counted
    assert collected(collector)[errors] == 1 and len(reads) == 3  # not asked again before 15 s
    clock.now += 15
    assert collected(collector)[errors] == 2

    never = QueueCollector("other", read, clock=Clock())
    samples = collected(never)
    assert samples[errors] == 1 and not [key for key in samples if key[0] == "panelapp_queue_messages"]
