"""Helpers for the operator tests against the real control plane."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from localcluster.processes import terminate
from panelapp_operator import metrics
from tests.operator import samples

GROUP, VERSION, PLURAL = "panelapp.org", "v1alpha1", "panelapps"
DEFAULT_TIMEOUT = 60.0


def wait_for(
    check: Callable[[], Any],
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.25,
    describe: Callable[[], str] | None = None,
) -> Any:
    """Poll until `check()` returns something truthy; fail the test naming what never happened."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = check()
        except ApiException as error:  # e.g. not created yet
            last_error, value = error, None
        if value:
            return value
        time.sleep(interval)
    detail = describe() if describe else ""
    pytest.fail(
        f"timed out after {timeout:.0f}s waiting for {what}"
        f"{f' (last error: {last_error})' if last_error else ''}\n{detail}",
        pytrace=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class OperatorProcess:
    """`python -m panelapp_operator run` as a child process, scoped to some namespaces."""

    env: dict[str, str]
    namespaces: list[str]
    log_path: Path
    resync_seconds: float = 2.0
    port: int = field(default_factory=free_port)
    metrics_port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    extra_args: list[str] = field(default_factory=list)

    def start(self) -> OperatorProcess:
        args = [
            sys.executable,
            "-m",
            "panelapp_operator",
            "run",
            "--liveness-host",
            "127.0.0.1",
            "--liveness-port",
            str(self.port),
            "--metrics-port",
            str(self.metrics_port),
            "--resync-seconds",
            str(self.resync_seconds),
            "--log-format",
            "full",
        ]
        for namespace in self.namespaces:
            args += ["--namespace", namespace]
        args += self.extra_args
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=samples.REPO, start_new_session=True
        )
        log.close()
        wait_for(self._healthy, "the operator's liveness endpoint", timeout=60, describe=self.log_tail)
        return self

    def _healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"the operator exited with {self.process.returncode}\n{self.log_tail()}", pytrace=False)
        try:
            self.health()
        except OSError:
            return False
        return True

    def health(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as response:
            return json.loads(response.read())

    def counters(self) -> dict[str, float]:
        """Live counters from /metrics: reconciles, and API reads, writes and dry runs."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as response:
            return metrics.totals(response.read().decode())

    def kill(self) -> None:
        """SIGKILL: no cleanup, as when a node dies or the OOM killer strikes."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None:
            terminate(self.process, timeout=20)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return "--- operator log (tail):\n" + "\n".join(self.log_text().splitlines()[-lines:])


class Kube:
    """Test-side access to the cluster through the official client."""

    def __init__(self, api_client: client.ApiClient, namespace: str):
        self.api_client = api_client
        self.namespace = namespace
        self.custom = client.CustomObjectsApi(api_client)
        self.core = client.CoreV1Api(api_client)
        self.apps = client.AppsV1Api(api_client)
        self.batch = client.BatchV1Api(api_client)
        self.networking = client.NetworkingV1Api(api_client)
        self.autoscaling = client.AutoscalingV2Api(api_client)
        self.policy = client.PolicyV1Api(api_client)

    # --- PanelApps ----------------------------------------------------------------------------

    def create_panelapp(self, spec: dict[str, Any], name: str = "panelapp") -> dict[str, Any]:
        return self.custom.create_namespaced_custom_object(
            GROUP, VERSION, self.namespace, PLURAL, samples.resource(name, self.namespace, spec)
        )

    def panelapp(self, name: str = "panelapp") -> dict[str, Any]:
        return self.custom.get_namespaced_custom_object(GROUP, VERSION, self.namespace, PLURAL, name)

    def patch_spec(self, changes: dict[str, Any], name: str = "panelapp") -> dict[str, Any]:
        return self.custom.patch_namespaced_custom_object(
            GROUP, VERSION, self.namespace, PLURAL, name, {"spec": changes}
        )

    def delete_panelapp(self, name: str = "panelapp") -> None:
        self.custom.delete_namespaced_custom_object(GROUP, VERSION, self.namespace, PLURAL, name)

    def status(self, name: str = "panelapp") -> dict[str, Any]:
        return self.panelapp(name).get("status") or {}

    def condition(self, type_: str, name: str = "panelapp") -> dict[str, Any]:
        return next((c for c in self.status(name).get("conditions") or () if c["type"] == type_), {})

    def wait_phase(
        self,
        phase: str,
        name: str = "panelapp",
        timeout: float = DEFAULT_TIMEOUT,
        image: str | None = None,
        describe: Callable[[], str] | None = None,
    ) -> dict[str, Any]:
        def reached():
            body = self.panelapp(name)
            status = body.get("status") or {}
            return (
                status.get("phase") == phase
                and status.get("observedGeneration") == body["metadata"]["generation"]
                and (image is None or status.get("image") == image)
            ) and status

        return wait_for(
            reached,
            f"PanelApp {name} to be {phase}" + (f" at {image}" if image else ""),
            timeout,
            describe=lambda: f"status: {json.dumps(self.status(name), indent=1)}\n{describe() if describe else ''}",
        )

    # --- children -----------------------------------------------------------------------------

    def deployment(self, name: str):
        return self.apps.read_namespaced_deployment(name, self.namespace)

    def image_of(self, deployment: str) -> str:
        return self.deployment(deployment).spec.template.spec.containers[0].image

    def jobs(self, component: str | None = None) -> list:
        selector = f"app.kubernetes.io/component={component}" if component else None
        return self.batch.list_namespaced_job(self.namespace, label_selector=selector).items

    def events(self, name: str = "panelapp") -> list:
        return [
            e
            for e in self.core.list_namespaced_event(self.namespace).items
            if e.involved_object.kind == "PanelApp" and e.involved_object.name == name
        ]

    def event_reasons(self, name: str = "panelapp") -> list[str]:
        """Reasons in the order the events were made. Creation times have whole seconds, so two
        events of one second are ordered by their resourceVersion (etcd's revision: write order)."""
        return [
            e.reason
            for e in sorted(
                self.events(name), key=lambda e: (e.metadata.creation_timestamp, int(e.metadata.resource_version))
            )
        ]

    def create_secret(self, name: str, data: dict[str, str]) -> None:
        self.core.create_namespaced_secret(
            self.namespace, client.V1Secret(metadata=client.V1ObjectMeta(name=name), string_data=data)
        )

    def replace_secret_data(self, name: str, data: dict[str, str]) -> None:
        self.core.patch_namespaced_secret(name, self.namespace, {"stringData": data})

    def owned_children(self) -> list[tuple[str, str, Any]]:
        """(kind, name, ownerReferences) of everything labelled as managed by the operator."""
        selector = "app.kubernetes.io/managed-by=panelapp-operator"
        found = []
        listings = [
            ("Deployment", self.apps.list_namespaced_deployment),
            ("Job", self.batch.list_namespaced_job),
            ("ConfigMap", self.core.list_namespaced_config_map),
            ("Secret", self.core.list_namespaced_secret),
            ("Service", self.core.list_namespaced_service),
            ("ServiceAccount", self.core.list_namespaced_service_account),
            ("Ingress", self.networking.list_namespaced_ingress),
            ("NetworkPolicy", self.networking.list_namespaced_network_policy),
            ("HorizontalPodAutoscaler", self.autoscaling.list_namespaced_horizontal_pod_autoscaler),
            ("PodDisruptionBudget", self.policy.list_namespaced_pod_disruption_budget),
        ]
        for kind, lister in listings:
            for item in lister(self.namespace, label_selector=selector).items:
                found.append((kind, item.metadata.name, item.metadata.owner_references))
        return found

    def resource_versions(self) -> dict[tuple[str, str], str]:
        versions = {("PanelApp", "panelapp"): self.panelapp()["metadata"]["resourceVersion"]}
        selector = "app.kubernetes.io/managed-by=panelapp-operator"
        for kind, lister in (
            ("Deployment", self.apps.list_namespaced_deployment),
            ("ConfigMap", self.core.list_namespaced_config_map),
            ("Service", self.core.list_namespaced_service),
            ("ServiceAccount", self.core.list_namespaced_service_account),
            ("Job", self.batch.list_namespaced_job),
        ):
            for item in lister(self.namespace, label_selector=selector).items:
                versions[(kind, item.metadata.name)] = item.metadata.resource_version
        return versions
