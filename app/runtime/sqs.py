"""The SQS queue as kombu's *predefined* queue.

With ``predefined_queues`` kombu never lists or creates queues (and refuses names it was not
given), so the app needs no ``sqs:CreateQueue`` permission and a visibility-timeout mismatch can
no longer make Celery create a stray queue, a known trap of PanelApp's SQS setup.

kombu needs the queue's URL. Operators may give it (SQS_QUEUE_URL); otherwise it is looked up
once with GetQueueUrl (allowed by PanelApp's least-privilege policy). The lookup is deferred to
the first time kombu opens a channel, so importing the settings (migrate, collectstatic, check)
never talks to AWS.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit


class PredefinedQueues(Mapping):
    """``{queue_name: {"url": ...}}`` for kombu's ``predefined_queues``, resolved on first use."""

    def __init__(self, name: str, *, region: str, url: str | None = None, broker_url: str = "sqs://") -> None:
        self.name = name
        self.region = region
        self._url = url
        self._broker_url = broker_url
        self._lock = threading.Lock()

    def client(self, config: Any = None) -> Any:
        """An SQS client with the broker's region, credentials and endpoint; ``config`` is a
        botocore Config (timeouts, retries)."""
        # boto3 takes a second to import, and the settings import this module: only a process that
        # opens a channel without the queue's URL, or reads the queue's depth, needs it.
        import boto3

        parts = urlsplit(self._broker_url)
        kwargs: dict[str, Any] = {"region_name": self.region, "config": config}
        # Credentials in the broker URL (sqs://key:secret@) win over the default chain, as in kombu.
        if parts.username:
            kwargs["aws_access_key_id"] = unquote(parts.username)
            kwargs["aws_secret_access_key"] = unquote(parts.password or "")
        if parts.hostname:
            port = f":{parts.port}" if parts.port else ""
            kwargs["endpoint_url"] = f"https://{parts.hostname}{port}"
        return boto3.client("sqs", **kwargs)

    @property
    def url(self) -> str:
        with self._lock:
            if self._url is None:
                self._url = self.client().get_queue_url(QueueName=self.name)["QueueUrl"]
            return self._url

    def __getitem__(self, key: str) -> dict[str, str]:
        if key != self.name:
            raise KeyError(key)
        return {"url": self.url}

    def __iter__(self) -> Iterator[str]:
        return iter((self.name,))

    def __len__(self) -> int:
        return 1

    def __repr__(self) -> str:
        return f"PredefinedQueues({self.name!r}, url={self._url or '<looked up on first use>'})"


def transport_options(
    *,
    queue_name: str,
    region: str,
    visibility_timeout: int,
    polling_interval: float,
    queue_url: str | None = None,
    broker_url: str = "sqs://",
    wait_time_seconds: int = 10,
) -> dict[str, Any]:
    """kombu SQS ``broker_transport_options`` that really carry region and visibility timeout.

    (PanelApp sets them under a name Celery ignores, so its workers ran with kombu's defaults.)
    """
    return {
        "region": region,
        "visibility_timeout": visibility_timeout,
        "polling_interval": polling_interval,
        "wait_time_seconds": wait_time_seconds,
        "predefined_queues": PredefinedQueues(queue_name, region=region, url=queue_url, broker_url=broker_url),
    }
