"""The pod template every PanelApp container shares: one image, one environment, one
ServiceAccount, a restricted security context, and the user's pod-template overrides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from panelapp_operator import names
from panelapp_operator import spec as api
from panelapp_operator.render import env
from panelapp_operator.render.context import RenderInput

# The image runs as this non-root user (uid 1000 in the PanelApp image).
APP_UID = 1000

DEFAULT_RESOURCES = {
    "app": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
    names.COMPONENT_BEAT: {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
}

# Writable scratch space under a read-only root filesystem: /tmp for uploads and Python, /dev/shm
# (memory) for gunicorn's worker heartbeat files and beat's schedule and pid files.
VOLUMES = [
    {"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}},
    {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
]
VOLUME_MOUNTS = [
    {"name": "tmp", "mountPath": "/tmp"},
    {"name": "shm", "mountPath": "/dev/shm"},
]

POD_SECURITY_CONTEXT = {
    "runAsNonRoot": True,
    "runAsUser": APP_UID,
    "runAsGroup": APP_UID,
    "fsGroup": APP_UID,
    "seccompProfile": {"type": "RuntimeDefault"},
}
CONTAINER_SECURITY_CONTEXT = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
}


@dataclass(frozen=True)
class ContainerPlan:
    """What differs between the containers of web, worker, beat and the Jobs."""

    component: str
    image: str
    command: list[str] | None  # None or empty: the image's own entrypoint
    resources: api.ResourceRequirements | None
    overrides: api.PodTemplateOverrides | None
    extra_env: list[dict[str, Any]] = field(default_factory=list)
    extra_container_fields: dict[str, Any] = field(default_factory=dict)
    termination_grace_period_seconds: int | None = None
    restart_policy: str | None = None
    args: list[str] | None = None


def resources_of(requirements: api.ResourceRequirements | None, component: str) -> dict[str, Any]:
    if requirements is None:
        return DEFAULT_RESOURCES.get(component, DEFAULT_RESOURCES["app"])
    dumped = requirements.model_dump(by_alias=True, exclude_none=True)
    # Quantities may be given as numbers; the API server returns strings, so render strings.
    return {kind: {res: str(qty) for res, qty in values.items()} for kind, values in dumped.items()}


def merged_overrides(shared: api.PodTemplateOverrides | None, own: api.PodTemplateOverrides | None) -> dict[str, Any]:
    """Shared overrides (spec.podTemplate) under the component's own: maps merge by key (component
    wins), tolerations append, and affinity, topology spread and priority class are replaced."""
    result: dict[str, Any] = {"annotations": {}, "labels": {}, "nodeSelector": {}, "tolerations": []}
    for layer in (shared, own):
        if layer is None:
            continue
        result["annotations"].update(layer.annotations or {})
        result["labels"].update(layer.labels or {})
        result["nodeSelector"].update(layer.node_selector or {})
        result["tolerations"].extend(t.model_dump(by_alias=True, exclude_none=True) for t in layer.tolerations or ())
        if layer.affinity is not None:
            result["affinity"] = layer.affinity
        if layer.topology_spread_constraints is not None:
            result["topologySpreadConstraints"] = list(layer.topology_spread_constraints)
        if layer.priority_class_name is not None:
            result["priorityClassName"] = layer.priority_class_name
    return result


def pod_template(inp: RenderInput, plan: ContainerPlan) -> dict[str, Any]:
    spec = inp.spec
    overrides = merged_overrides(spec.pod_template, plan.overrides)

    labels = {**overrides["labels"], **names.component_labels(inp.name, plan.component)}
    version = names.image_version(plan.image)
    if version:
        labels[names.LABEL_VERSION] = version
    annotations = {**overrides["annotations"], names.ANNOTATION_CONFIG_HASH: inp.config_hash}

    container: dict[str, Any] = {
        "name": plan.component,
        "image": plan.image,
        "imagePullPolicy": spec.image_pull_policy,
    }
    if plan.command:
        container["command"] = list(plan.command)
    if plan.args:
        container["args"] = list(plan.args)
    container |= {
        "envFrom": [{"configMapRef": {"name": inp.names.config_map}}]
        + [source.model_dump(by_alias=True, exclude_none=True) for source in spec.env_from or ()],
        "env": env.merge_env(env.secret_env(spec, inp.names) + plan.extra_env, env.user_env(spec)),
        "resources": resources_of(plan.resources, plan.component),
        "securityContext": CONTAINER_SECURITY_CONTEXT,
        "volumeMounts": VOLUME_MOUNTS,
        **plan.extra_container_fields,
    }

    pod_spec: dict[str, Any] = {
        "serviceAccountName": inp.service_account_name,
        # PanelApp never calls the Kubernetes API. IRSA and Pod Identity inject their own token.
        "automountServiceAccountToken": False,
        "securityContext": POD_SECURITY_CONTEXT,
        "containers": [container],
        "volumes": VOLUMES,
    }
    if plan.restart_policy:
        pod_spec["restartPolicy"] = plan.restart_policy
    if plan.termination_grace_period_seconds is not None:
        pod_spec["terminationGracePeriodSeconds"] = plan.termination_grace_period_seconds
    if spec.image_pull_secrets:
        pod_spec["imagePullSecrets"] = [ref.model_dump(by_alias=True) for ref in spec.image_pull_secrets]
    for key in ("nodeSelector", "tolerations"):
        if overrides[key]:
            pod_spec[key] = overrides[key]
    for key in ("affinity", "topologySpreadConstraints", "priorityClassName"):
        if key in overrides:
            pod_spec[key] = overrides[key]

    return {"metadata": {"labels": labels, "annotations": annotations}, "spec": pod_spec}
