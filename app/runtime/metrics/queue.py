"""The depth of the broker's SQS queue, read when Prometheus scrapes the worker.

``panelapp_queue_messages{queue,state}``: visible (waiting), in_flight (received, not yet
deleted) and delayed, from one GetQueueAttributes call, kept for ``MAX_AGE_SECONDS`` so that
scrapes (several Prometheus replicas, every worker pod) do not hammer SQS. A failed read never
breaks the scrape: the last figures stay and ``panelapp_queue_read_errors_total`` counts it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from runtime.sqs import PredefinedQueues

logger = logging.getLogger("panelapp.metrics")

MAX_AGE_SECONDS = 15.0
#: SQS GetQueueAttributes names -> the ``state`` label.
ATTRIBUTES = {
    "visible": "ApproximateNumberOfMessages",
    "in_flight": "ApproximateNumberOfMessagesNotVisible",
    "delayed": "ApproximateNumberOfMessagesDelayed",
}
#: A scrape waits for SQS this long at most (Prometheus' own timeout is 10 s by default).
TIMEOUT_SECONDS = 3

Reader = Callable[[], Mapping[str, float]]


class QueueCollector(Collector):
    """The queue's depth by state, read through ``read`` at most every ``max_age`` seconds."""

    def __init__(
        self,
        queue: str,
        read: Reader,
        *,
        max_age: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.queue = queue
        self._read = read
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._values: Mapping[str, float] = {}
        self._read_at: float | None = None
        self._errors = 0

    def _refresh(self) -> tuple[Mapping[str, float], int]:
        with self._lock:
            now = self._clock()
            if self._read_at is None or now - self._read_at >= self._max_age:
                # Stamped before the read: a failing SQS is asked again only after max_age too.
                self._read_at = now
                try:
                    self._values = self._read()
                except Exception as error:  # a scrape must answer whatever SQS does
                    self._errors += 1
                    logger.warning("could not read the depth of queue %s: %s", self.queue, type(error).__name__)
            return self._values, self._errors

    def _families(self) -> tuple[GaugeMetricFamily, CounterMetricFamily]:
        return (
            GaugeMetricFamily(
                "panelapp_queue_messages",
                "Messages in the broker's SQS queue, by state (visible, in_flight, delayed); "
                f"read at most every {self._max_age:g} s.",
                labels=["queue", "state"],
            ),
            CounterMetricFamily(
                "panelapp_queue_read_errors",
                "Failed reads of the queue's depth (the last figures are kept).",
            ),
        )

    def describe(self) -> Iterable[Metric]:
        return self._families()

    def collect(self) -> Iterable[Metric]:
        values, errors = self._refresh()
        messages, failures = self._families()
        for state, value in values.items():
            messages.add_metric([self.queue, state], value)
        failures.add_metric([], errors)
        return messages, failures


def sqs_reader(queues: Mapping[str, Any], name: str, client: Callable[[], Any]) -> Reader:
    """A reader of queue ``name``'s attributes; the client is made on the first read."""
    made: list[Any] = []

    def read() -> Mapping[str, float]:
        if not made:
            made.append(client())
        answer = made[0].get_queue_attributes(QueueUrl=queues[name]["url"], AttributeNames=list(ATTRIBUTES.values()))
        attributes = answer["Attributes"]
        return {state: float(attributes[attribute]) for state, attribute in ATTRIBUTES.items()}

    return read


def _client_config() -> Any:
    # botocore takes a moment to import; only a worker serving metrics reads the queue.
    from botocore.config import Config

    return Config(connect_timeout=TIMEOUT_SECONDS, read_timeout=TIMEOUT_SECONDS, retries={"total_max_attempts": 1})


def broker_queue() -> QueueCollector:
    """The collector of the queue the worker consumes (settings.CELERY_TASK_DEFAULT_QUEUE), read
    with the broker's own region, credentials and endpoint (runtime.sqs)."""
    name = settings.CELERY_TASK_DEFAULT_QUEUE
    queues: PredefinedQueues = settings.CELERY_BROKER_TRANSPORT_OPTIONS["predefined_queues"]
    return QueueCollector(name, sqs_reader(queues, name, lambda: queues.client(config=_client_config())))
