"""Prometheus metrics of the operator itself, served over plain HTTP (GET /metrics).

kopf's liveness endpoint caches probe results for ten seconds, which is right for liveness but
wrong for measuring; this endpoint answers from the live counters.
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from panelapp_operator.controller import Controller

log = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def render(controller: Controller) -> str:
    stats = controller.stats()
    lines = [
        "# HELP panelapp_operator_reconciles_total Reconciles run, by result.",
        "# TYPE panelapp_operator_reconciles_total counter",
        f'panelapp_operator_reconciles_total{{result="success"}} {stats["reconciles"] - stats["failures"]}',
        f'panelapp_operator_reconciles_total{{result="error"}} {stats["failures"]}',
        "# HELP panelapp_operator_queue_depth PanelApps waiting to be reconciled.",
        "# TYPE panelapp_operator_queue_depth gauge",
        f"panelapp_operator_queue_depth {stats['queued']}",
        "# HELP panelapp_operator_panelapps PanelApps known to the operator.",
        "# TYPE panelapp_operator_panelapps gauge",
        f"panelapp_operator_panelapps {stats['panelapps']}",
        "# HELP panelapp_operator_cached_objects Objects held in the watch cache.",
        "# TYPE panelapp_operator_cached_objects gauge",
        f"panelapp_operator_cached_objects {stats['cached_objects']}",
        "# HELP panelapp_operator_api_requests_total Requests to the API server, by kind of request.",
        "# TYPE panelapp_operator_api_requests_total counter",
    ]
    for label, verb, kind, count in controller.kube.stats.samples():
        lines.append(f'panelapp_operator_api_requests_total{{type="{label}",verb="{verb}",kind="{kind}"}} {count}')
    return "\n".join(lines) + "\n"


def serve(controller: Controller, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404)
                return
            body = render(controller).encode()
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    log.info("serving metrics at http://%s:%d/metrics", host, port)
    return server


def parse(text: str) -> dict[str, float]:
    """Sample name with labels -> value (for tests and the benchmark)."""
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def totals(text: str) -> dict[str, float]:
    """Reconciles, and API reads, writes and dry runs, summed over labels (tests and the benchmark)."""
    sums = {"reconciles": 0.0, "read": 0.0, "write": 0.0, "dry_run": 0.0}
    for name, value in parse(text).items():
        if name.startswith("panelapp_operator_reconciles_total"):
            sums["reconciles"] += value
        elif name.startswith("panelapp_operator_api_requests_total"):
            sums[name.split('type="', 1)[1].split('"', 1)[0]] += value
    return sums
