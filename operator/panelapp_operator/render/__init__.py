"""Pure rendering: (spec, observed facts) -> Kubernetes manifests. No I/O, no kopf.

`render_children` gives the objects the operator keeps in place with server-side apply (in the
order they are applied); Jobs and the generated Secret are created by the upgrade and secret-key
logic instead, because they are create-once objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panelapp_operator import kinds, names
from panelapp_operator import spec as api
from panelapp_operator.render import config, hashing, identity, jobs, network, scaling, workloads
from panelapp_operator.render.context import RenderInput

__all__ = ["RenderInput", "DesiredChildren", "render_children", "render_for_review"]


@dataclass(frozen=True)
class DesiredChildren:
    objects: list[dict[str, Any]]
    # Children that may exist without being rendered right now and must not be pruned (the web and
    # worker Deployments before the first migration finished).
    protected: frozenset[tuple[str, str]]

    def keys(self) -> set[tuple[str, str]]:
        return {(obj["kind"], obj["metadata"]["name"]) for obj in self.objects} | set(self.protected)


def render_children(inp: RenderInput) -> DesiredChildren:
    spec = inp.spec
    objects: list[dict[str, Any]] = []
    if spec.service_account.create:
        objects.append(identity.render_service_account(inp))
    objects.append(config.render_config_map(inp))
    objects.append(network.render_service(inp))
    if spec.network_policy.enabled:
        objects.append(network.render_network_policy(inp))
    for component, budget in (
        (names.COMPONENT_WEB, spec.web.pod_disruption_budget),
        (names.COMPONENT_WORKER, spec.worker.pod_disruption_budget),
    ):
        if budget.enabled:
            objects.append(scaling.render_disruption_budget(inp, component, budget))
    if inp.workload_image is not None:
        objects.append(workloads.render_web_deployment(inp, inp.image_of(names.COMPONENT_WEB)))
        objects.append(workloads.render_worker_deployment(inp, inp.image_of(names.COMPONENT_WORKER)))
        if spec.beat.enabled:
            objects.append(workloads.render_beat_deployment(inp, inp.image_of(names.COMPONENT_BEAT)))
    for component, autoscaling in (
        (names.COMPONENT_WEB, spec.web.autoscaling),
        (names.COMPONENT_WORKER, spec.worker.autoscaling),
    ):
        # Stopped workers have no autoscaler: it would start them again (and scales nothing at zero).
        if autoscaling.enabled and not (inp.quiesce and component == names.COMPONENT_WORKER):
            objects.append(scaling.render_autoscaler(inp, component, autoscaling))
    queue_scaling = spec.worker.autoscaling.queue
    if queue_scaling.enabled and not inp.quiesce:
        if queue_scaling.authentication.trigger_authentication_name is None:
            objects.append(scaling.render_trigger_authentication(inp))
        objects.append(scaling.render_scaled_object(inp))
    if spec.metrics.pod_monitor.enabled:
        objects.append(network.render_pod_monitor(inp))
    if spec.ingress.enabled:
        objects.append(network.render_ingress(inp))
        if network.wants_login_ingress(spec):
            objects.append(network.render_login_ingress(inp))
    protected = frozenset(
        (kinds.DEPLOYMENT.kind, inp.names.deployment(component))
        for component in (names.COMPONENT_WEB, names.COMPONENT_WORKER)
    )
    return DesiredChildren([hashing.stamp_applied_hash(obj) for obj in objects], protected)


def render_for_review(spec: api.PanelAppSpec, name: str, namespace: str) -> list[dict[str, Any]]:
    """Everything a converged PanelApp consists of, rendered without a cluster (`render FILE`):
    the children at the spec's image plus that image's backup, migration and collectstatic Jobs. Without a
    cluster there is no uid (so no owner references) and no Secret versions in the config hash; the
    generated-key Secret is left out because its value only ever exists in the cluster."""
    configuration = config.configuration(spec, {})
    inp = RenderInput(
        name=name,
        namespace=namespace,
        spec=spec,
        config_hash=configuration.hash,
        config_data=configuration.data,
        workload_image=spec.image,
        component_images=spec.component_image_overrides(),
    )
    key = names.upgrade_key(spec.image, spec.migrations.trigger, spec.component_image_overrides())
    manifests = [jobs.render_backup_job(inp, spec.image, key)] if spec.migrations.backup.active else []
    manifests.append(jobs.render_migration_job(inp, spec.image, key))
    if spec.collectstatic.enabled:
        manifests.append(jobs.render_collectstatic_job(inp, spec.image, key))
    children = render_children(inp).objects
    # Jobs after the ConfigMap and ServiceAccount they need, before the Deployments they gate.
    first_deployment = next((i for i, obj in enumerate(children) if obj["kind"] == "Deployment"), len(children))
    return children[:first_deployment] + manifests + children[first_deployment:]
