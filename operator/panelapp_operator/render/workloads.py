"""The web, worker and beat Deployments."""

from __future__ import annotations

from typing import Any

from panelapp_operator import names
from panelapp_operator import spec as api
from panelapp_operator.render import env
from panelapp_operator.render.context import RenderInput
from panelapp_operator.render.pods import ContainerPlan, pod_template

WEB_PORT = 8080
METRICS_PORT_NAME = "metrics"
PROBE_PATH = "/version/"  # cheap and database-free: a database outage must not restart web pods

# Never lose capacity during a rollout: start a new pod, wait until it is ready, then stop an old one.
NO_DOWNTIME_STRATEGY = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}


def probe_host(allowed_hosts: list[str]) -> str:
    """A Host header Django accepts: kubelet probes use the pod IP, which ALLOWED_HOSTS refuses."""
    first = allowed_hosts[0]
    if first == "*":
        return "localhost"
    return first.lstrip(".").removeprefix("*.")


def _http_probe(host: str, period: int, failures: int, timeout: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": PROBE_PATH, "port": "http", "httpHeaders": [{"name": "Host", "value": host}]},
        "periodSeconds": period,
        "failureThreshold": failures,
        "timeoutSeconds": timeout,
    }


def command_of(default: list[str], command: list[str] | None) -> list[str] | None:
    """The operator's command for the component unless the spec sets one; an empty list in the
    spec renders no command, so the image's own ENTRYPOINT runs (upstream images start themselves)."""
    return list(default) if command is None else list(command)


def _replicas(inp: RenderInput, component: str, replicas: int, autoscaling: api.AutoscalingSpec) -> int | None:
    """The replica count the operator sets: none under an autoscaler (an HPA or KEDA; it never
    fights one), except when the Deployment is created, which then starts at the autoscaler's
    minimum (at least one under KEDA) instead of one. The operator hands that value over to another
    field manager before it stops setting it."""
    if inp.quiesce and component == names.COMPONENT_WORKER:
        return 0  # a maintenance upgrade: workers finish their tasks and stop
    if not autoscaling.scales:
        return replicas
    return autoscaling.starting_replicas if component in inp.new_deployments else None


def metrics_env(metrics: api.MetricsSpec) -> list[dict[str, Any]]:
    """METRICS_PORT on the containers that serve metrics (web and worker), only when enabled: a
    PanelApp without metrics keeps the pods it always had."""
    return [{"name": "METRICS_PORT", "value": str(metrics.port)}] if metrics.enabled else []


def metrics_ports(metrics: api.MetricsSpec) -> list[dict[str, Any]]:
    if not metrics.enabled:
        return []
    return [{"name": METRICS_PORT_NAME, "containerPort": metrics.port, "protocol": "TCP"}]


def _deployment(
    inp: RenderInput, component: str, template: dict[str, Any], *, replicas: int | None, strategy: dict[str, Any]
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "selector": {"matchLabels": names.selector_labels(inp.name, component)},
        "strategy": strategy,
        "revisionHistoryLimit": 5,
        "template": template,
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": inp.metadata(inp.names.deployment(component), component),
        "spec": spec,
    }


def render_web_deployment(inp: RenderInput, image: str) -> dict[str, Any]:
    web = inp.spec.web
    host = probe_host(inp.spec.allowed_hosts)
    container_fields: dict[str, Any] = {
        "ports": [{"name": "http", "containerPort": WEB_PORT, "protocol": "TCP"}, *metrics_ports(inp.spec.metrics)],
        # Up to 5 minutes to boot (first request imports Django), then readiness every 10 s and a
        # patient liveness probe: a slow response is not a reason to kill a pod.
        "startupProbe": _http_probe(host, period=5, failures=60, timeout=3),
        "readinessProbe": _http_probe(host, period=10, failures=3, timeout=3),
        "livenessProbe": _http_probe(host, period=20, failures=6, timeout=5),
    }
    if web.pre_stop_sleep_seconds:
        # Keep serving while the load balancer deregisters the pod; the sleep action needs no
        # shell in the image.
        container_fields["lifecycle"] = {"preStop": {"sleep": {"seconds": web.pre_stop_sleep_seconds}}}
    plan = ContainerPlan(
        component=names.COMPONENT_WEB,
        image=image,
        command=command_of(["panelapp-web"], web.command),
        args=web.args,
        resources=web.resources,
        overrides=web.pod_template,
        extra_env=env.gunicorn_env(web.gunicorn) + metrics_env(inp.spec.metrics),
        extra_container_fields=container_fields,
        termination_grace_period_seconds=web.termination_grace_period_seconds,
    )
    return _deployment(
        inp,
        names.COMPONENT_WEB,
        pod_template(inp, plan),
        replicas=_replicas(inp, names.COMPONENT_WEB, web.replicas, web.autoscaling),
        strategy=NO_DOWNTIME_STRATEGY,
    )


def render_worker_deployment(inp: RenderInput, image: str) -> dict[str, Any]:
    worker = inp.spec.worker
    # No liveness probe: SQS has no remote control (celery inspect ping cannot work), and a broker
    # outage must not restart every worker.
    plan = ContainerPlan(
        component=names.COMPONENT_WORKER,
        image=image,
        command=command_of(["panelapp-worker", f"--concurrency={worker.concurrency}"], worker.command),
        args=worker.args,
        resources=worker.resources,
        overrides=worker.pod_template,
        extra_env=metrics_env(inp.spec.metrics),
        extra_container_fields={"ports": metrics_ports(inp.spec.metrics)} if inp.spec.metrics.enabled else {},
        termination_grace_period_seconds=worker.termination_grace_period_seconds,
    )
    return _deployment(
        inp,
        names.COMPONENT_WORKER,
        pod_template(inp, plan),
        replicas=_replicas(inp, names.COMPONENT_WORKER, worker.replicas, worker.autoscaling),
        strategy=NO_DOWNTIME_STRATEGY,
    )


def render_beat_deployment(inp: RenderInput, image: str) -> dict[str, Any]:
    beat = inp.spec.beat
    plan = ContainerPlan(
        component=names.COMPONENT_BEAT,
        image=image,
        command=command_of(["panelapp-beat"], beat.command),
        args=beat.args,
        resources=beat.resources,
        overrides=beat.pod_template,
        termination_grace_period_seconds=30,
    )
    # A singleton: two schedulers would send every periodic task twice, so the old pod stops
    # before the new one starts.
    return _deployment(
        inp,
        names.COMPONENT_BEAT,
        pod_template(inp, plan),
        replicas=0 if inp.quiesce else 1,
        strategy={"type": "Recreate"},
    )
