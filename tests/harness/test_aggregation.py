"""The local control plane's API aggregation layer: an API served outside the API server (as KEDA's
external-metrics adapter is, bench/operator/queue_scaling.py) is reached through kube-apiserver,
which authenticates to it with the front-proxy client certificate and passes the caller's identity
in X-Remote-* headers."""

from __future__ import annotations

import datetime
import json
import ssl
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

GROUP, VERSION = "aggregation.test.panelapp.org", "v1"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class AggregatedApi:
    """A minimal aggregated API on loopback: its discovery document, and a record of who called."""

    def __init__(self, client_ca: Path):
        self.calls: list[dict[str, Any]] = []
        self._folder = tempfile.TemporaryDirectory(prefix="panelapp-aggregated-")
        cert, key = _self_signed(Path(self._folder.name))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        # Only the API server's front proxy (a client certificate from the cluster's CA) gets in.
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cafile=str(client_ca))
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                peer = self.connection.getpeercert() or {}
                subject = dict(item[0] for item in peer.get("subject", ()))
                api.calls.append(
                    {
                        "path": self.path,
                        "client_cn": subject.get("commonName"),
                        "user": self.headers.get("X-Remote-User"),
                        "groups": self.headers.get_all("X-Remote-Group") or [],
                    }
                )
                if self.path.split("?")[0] != f"/apis/{GROUP}/{VERSION}":
                    self.send_error(404)
                    return
                body = json.dumps(
                    {
                        "kind": "APIResourceList",
                        "apiVersion": "v1",
                        "groupVersion": f"{GROUP}/{VERSION}",
                        "resources": [],
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._folder.cleanup()


@pytest.fixture
def aggregated_api(cluster: Any, namespace: str) -> Iterator[AggregatedApi]:
    api = AggregatedApi(cluster.workdir / "pki" / "ca.crt")
    manifest = [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "aggregated", "namespace": namespace},
            # The aggregator resolves an ExternalName Service to its name: loopback here.
            "spec": {"type": "ExternalName", "externalName": "localhost"},
        },
        {
            "apiVersion": "apiregistration.k8s.io/v1",
            "kind": "APIService",
            "metadata": {"name": f"{VERSION}.{GROUP}"},
            "spec": {
                "group": GROUP,
                "version": VERSION,
                "groupPriorityMinimum": 1000,
                "versionPriority": 15,
                "insecureSkipTLSVerify": True,  # the server's certificate is self-signed
                "service": {"name": "aggregated", "namespace": namespace, "port": api.port},
            },
        },
    ]
    cluster.kubectl("apply", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": manifest}))
    try:
        yield api
    finally:
        # An APIService whose backend is gone makes discovery partial for everyone: remove it
        # before the server goes.
        cluster.kubectl("delete", "apiservice", f"{VERSION}.{GROUP}", "--wait=true", check=False)
        api.close()


def test_an_api_served_outside_the_api_server_is_reached_through_it_as_the_caller(cluster, aggregated_api):
    deadline = time.monotonic() + 60
    while True:
        result = cluster.kubectl("get", "--raw", f"/apis/{GROUP}/{VERSION}", check=False)
        if result.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert result.returncode == 0, f"the aggregated API was never served: {result.stderr}"
    assert json.loads(result.stdout)["groupVersion"] == f"{GROUP}/{VERSION}"

    proxied = [call for call in aggregated_api.calls if call["user"] == "panelapp-local-admin"]
    assert proxied, aggregated_api.calls
    # The API server authenticates as the front proxy and names the caller in headers.
    assert {call["client_cn"] for call in aggregated_api.calls} == {"front-proxy-client"}
    assert "system:masters" in proxied[-1]["groups"]

    available = json.loads(cluster.kubectl("get", "apiservice", f"{VERSION}.{GROUP}", "-o", "json").stdout)
    conditions = {c["type"]: c["status"] for c in available["status"]["conditions"]}
    assert conditions["Available"] == "True"
