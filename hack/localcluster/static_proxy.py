"""The demo's stand-in for a CDN: a local HTTP server that serves the static and media buckets
from moto, so a browser on this machine loads PanelApp's CSS and scripts as it would from the
buckets' CDN domains. `GET /<location>/<key>` answers the object `<location>/<key>` of that
location's bucket, read with the S3 API (moto, like S3, refuses anonymous reads of private
buckets); only GET and HEAD, only the configured locations."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable
from typing import Any


class BucketProxy:
    def __init__(self, s3_client: Callable[[], Any], buckets: dict[str, str]) -> None:
        self.s3_client = s3_client
        self.buckets = buckets  # location (first path segment) -> bucket
        self.port = 0
        self._server: http.server.ThreadingHTTPServer | None = None

    def start(self, host: str, port: int) -> None:
        proxy = self
        local = threading.local()  # boto3 clients are not shared between threads

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer(send_body=True)

            def do_HEAD(self) -> None:
                self._answer(send_body=False)

            def _answer(self, send_body: bool) -> None:
                key = self.path.split("?", 1)[0].lstrip("/")
                bucket = proxy.buckets.get(key.split("/", 1)[0])
                if bucket is None or ".." in key.split("/"):
                    self.send_error(404)
                    return
                if not hasattr(local, "s3"):
                    local.s3 = proxy.s3_client()
                try:
                    found = local.s3.get_object(Bucket=bucket, Key=key)
                except local.s3.exceptions.NoSuchKey:
                    self.send_error(404)
                    return
                except Exception:
                    self.send_error(502)
                    return
                body = found["Body"].read()
                self.send_response(200)
                self.send_header("Content-Type", found.get("ContentType") or "application/octet-stream")
                if found.get("CacheControl"):
                    self.send_header("Cache-Control", found["CacheControl"])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # quiet: the demo prints its own progress
                pass

        self._server = http.server.ThreadingHTTPServer((host, port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="bucket-proxy", daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
