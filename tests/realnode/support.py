"""What the real-pods tests build on: the services on the pod network, one PanelApp instance per
test with its own database, buckets and queue, and an HTTP client that reaches the web Service the
way a load balancer does (its ClusterIP, which kube-proxy spreads over the ready endpoints)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client

from localcluster import ControlPlane, localapp
from localcluster import images as image_builds
from localcluster.realnode import NODE_NAME
from localcluster.traffic import HOST, Response, SteadyLoad, http_request
from tests.fixtures.services import SmtpSink
from tests.operator.cluster.support import Kube, OperatorProcess, wait_for

__all__ = ["HOST", "Instance", "NodeImages", "PodServices", "SteadyLoad", "on_real_node"]


@dataclasses.dataclass(frozen=True)
class NodeImages:
    V1 = image_builds.APP_IMAGE
    V2 = "localhost/panelapp:v2"
    V3 = "localhost/panelapp:v3"
    BROKEN_WEB = "localhost/panelapp:broken-web"
    MISSING = "localhost/panelapp:never-imported"


class PodServices(localapp.PodNetworkServices):
    """The pod-network services with the tests' SMTP sink (its `.sink.messages`)."""

    sink: SmtpSink

    @classmethod
    def start_for_tests(cls, workdir: Path, gateway: str, pod_subnet: str) -> PodServices:
        sink = SmtpSink()
        started = localapp.PodNetworkServices.start(workdir, gateway, pod_subnet, sink)
        services = cls(**{f.name: getattr(started, f.name) for f in dataclasses.fields(started)})
        sink.host, sink.port = gateway, started.smtp_port
        services.sink = sink
        return services

    def sql(self, database: str, query: str, params: tuple = ()) -> list[tuple]:
        connection = self.connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                rows = cursor.fetchall() if cursor.description else []
            connection.commit()  # a test's TRUNCATE or UPDATE must reach the pods
            return rows
        finally:
            connection.close()


@dataclasses.dataclass
class Instance:
    """One PanelApp on the real node, in its own namespace, with its own database, buckets and queue."""

    cluster: ControlPlane
    services: PodServices
    images: NodeImages
    namespace: str
    kube: Kube
    resources: localapp.InstanceResources
    operator: OperatorProcess | None = None
    start_operator: Callable[[], OperatorProcess] | None = None

    @classmethod
    def make(cls, cluster: ControlPlane, services: PodServices, images: NodeImages, namespace: str) -> Instance:
        cluster.kubectl("create", "namespace", namespace)
        wait_for(
            lambda: cluster.kubectl("get", "serviceaccount", "default", "-n", namespace, check=False).returncode == 0,
            "the namespace's default ServiceAccount",
            30,
        )
        kube = Kube(cluster.api_client(), namespace)
        for name, data in localapp.secrets(services).items():
            kube.create_secret(name, data)
        return cls(cluster, services, images, namespace, kube, services.make_instance(namespace))

    @property
    def database(self) -> str:
        return self.resources.database

    @property
    def static_bucket(self) -> str:
        return self.resources.static_bucket

    @property
    def media_bucket(self) -> str:
        return self.resources.media_bucket

    # --- the resource -------------------------------------------------------------------------

    def spec(self, image: str, web_replicas: int = 2, **overrides: Any) -> dict[str, Any]:
        spec = localapp.panelapp_spec(
            self.services, self.resources, image, host=HOST, base_url=f"https://{HOST}", web_replicas=web_replicas
        )
        spec.update(overrides)
        return spec

    def create(self, image: str, **overrides: Any) -> None:
        self.kube.create_panelapp(self.spec(image, **overrides))

    def set_image(self, image: str) -> None:
        self.kube.patch_spec({"image": image})

    def wait_ready(self, image: str, timeout: float = 400) -> dict:
        return self.kube.wait_phase("Ready", image=image, timeout=timeout, describe=self.describe)

    def delete(self) -> None:
        self.cluster.kubectl("delete", "namespace", self.namespace, "--wait=false", check=False)

    # --- what runs ------------------------------------------------------------------------------

    def pods(self, component: str | None = None) -> list:
        selector = "app.kubernetes.io/instance=panelapp"
        if component:
            selector += f",app.kubernetes.io/component={component}"
        return self.kube.core.list_namespaced_pod(self.namespace, label_selector=selector).items

    def running_images(self, component: str) -> set[str]:
        return {
            c.image
            for pod in self.pods(component)
            if pod.metadata.deletion_timestamp is None and pod.status.phase == "Running"
            for c in pod.spec.containers
        }

    def migration_jobs(self) -> list:
        return self.kube.jobs("migrate")

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        return self.services.sql(self.database, query, params)

    def table_exists(self, name: str) -> bool:
        return bool(self.sql("SELECT 1 FROM information_schema.tables WHERE table_name = %s", (name,)))

    def exec_web(self, *argv: str, timeout: float = 300) -> str:
        completed = self.cluster.kubectl(
            "exec", "-n", self.namespace, "deploy/panelapp-web", "-c", "web", "--", *argv, check=False, timeout=timeout
        )
        if completed.returncode != 0:
            pytest.fail(f"`{' '.join(argv)}` in a web pod failed:\n{completed.stdout}\n{completed.stderr}")
        return completed.stdout

    # --- the Service, as a load balancer reaches it --------------------------------------------

    def service_address(self) -> tuple[str, int]:
        service = self.kube.core.read_namespaced_service("panelapp", self.namespace)
        return service.spec.cluster_ip, service.spec.ports[0].port

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10,
    ) -> Response:
        """One request on a new connection to the Service's ClusterIP, as the ALB forwards it."""
        address, port = self.service_address()
        return http_request(address, port, method, path, body, headers, timeout)

    def steady_load(self, rate: float = 20.0) -> SteadyLoad:
        return SteadyLoad(*self.service_address(), rate=rate)

    def describe(self) -> str:
        lines = []
        try:
            lines.append(f"status: {json.dumps(self.kube.status(), indent=1)[:3000]}")
            for pod in self.kube.core.list_namespaced_pod(self.namespace).items:
                states = [
                    (s.name, s.ready, s.restart_count, s.state.to_dict() if s.state else None)
                    for s in pod.status.container_statuses or ()
                ]
                lines.append(f"pod {pod.metadata.name} on {pod.spec.node_name}: {pod.status.phase} {states}")
            for pod in self.kube.core.list_namespaced_pod(self.namespace).items[:12]:
                logs = self.cluster.kubectl(
                    "logs",
                    "-n",
                    self.namespace,
                    pod.metadata.name,
                    "--all-containers",
                    "--tail=25",
                    check=False,
                    timeout=20,
                )
                lines.append(f"--- logs of {pod.metadata.name}:\n{logs.stdout[-3000:]}{logs.stderr[-500:]}")
        except (client.ApiException, OSError) as error:
            lines.append(f"(could not describe: {error})")
        if self.operator is not None:
            lines.append(self.operator.log_tail(80))
        return "\n".join(lines)


def on_real_node(pod) -> bool:
    return pod.spec.node_name == NODE_NAME
