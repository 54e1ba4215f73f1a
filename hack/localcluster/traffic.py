"""Traffic to a PanelApp Service the way a load balancer sends it: each request on a new connection
to the Service's ClusterIP, which kube-proxy (iptables mode) spreads over the ready endpoints. Used
by the real-pods tests and the real-node benchmark."""

from __future__ import annotations

import dataclasses
import http.client
import json
import threading
import time
from typing import Any

#: The Host header the probes and clients send (the PanelApp's first allowed host).
HOST = "panelapp.example.org"


@dataclasses.dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


def http_request(
    address: str,
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
    host: str = HOST,
) -> Response:
    connection = http.client.HTTPConnection(address, port, timeout=timeout)
    try:
        connection.request(
            method,
            path,
            body=body,
            headers={"Host": host, "X-Forwarded-Proto": "https", "Connection": "close", **(headers or {})},
        )
        response = connection.getresponse()
        return Response(response.status, response.read(), {k.lower(): v for k, v in response.getheaders()})
    finally:
        connection.close()


@dataclasses.dataclass
class SteadyLoad:
    """A client sending `rate` requests a second to the Service for as long as it runs, each on a
    new connection (as a load balancer spreading over endpoints does). Counts every failure."""

    address: str
    port: int
    path: str = "/api/v1/panels/"
    rate: float = 20.0
    ok: int = 0
    failures: list[str] = dataclasses.field(default_factory=list)
    _stop: threading.Event = dataclasses.field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> SteadyLoad:
        address, port = self.address, self.port

        def loop() -> None:
            interval = 1.0 / self.rate
            next_at = time.monotonic()
            while not self._stop.is_set():
                try:
                    answer = http_request(address, port, "GET", self.path, timeout=15)
                    if answer.status == 200:
                        self.ok += 1
                    else:
                        self.failures.append(f"{time.strftime('%H:%M:%S')} HTTP {answer.status}: {answer.body[:200]!r}")
                except OSError as error:
                    self.failures.append(f"{time.strftime('%H:%M:%S')} {type(error).__name__}: {error}")
                next_at += interval
                self._stop.wait(max(0.0, next_at - time.monotonic()))

        self._thread = threading.Thread(target=loop, name="steady-load", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
