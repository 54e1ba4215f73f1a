"""Kubernetes core types as the PanelApp API uses them: Secret references, extra environment
variables, resources, tolerations and the pod-template overrides. Modelled where small, so
`kubectl explain` can teach them; the larger ones (affinity, topology spread, network policy peers)
are passed through unchanged.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, WithJsonSchema

from panelapp_operator.rules import Rule, SpecModel
from panelapp_operator.spec.patterns import DNS_SUBDOMAIN, ENV_NAME, SECRET_KEY_NAME, Quantity

# Environment variables that carry secrets: refused as plain `value`s in spec.env so that secret
# values only ever reach pods through Secret references.
SECRET_ENV_NAMES = (
    "SECRET_KEY",
    "DATABASE_URL",
    "DATABASE_PASSWORD",
    "EMAIL_HOST_PASSWORD",
    "AWS_SECRET_ACCESS_KEY",
    "CELERY_BROKER_URL",
    "DJANGO_ADMIN_URL",
    "HEALTH_CHECK_TOKEN",
    "OMIM_API_KEY",
)


def _passthrough_schema(description: str) -> WithJsonSchema:
    """A Kubernetes core type we do not re-model (Affinity, ...): stored and rendered unchanged."""
    return WithJsonSchema({"type": "object", "x-kubernetes-preserve-unknown-fields": True, "description": description})


Affinity = Annotated[
    dict[str, Any],
    _passthrough_schema("A core/v1 Affinity (node, pod and pod anti-affinity), passed through unchanged."),
]
TopologySpreadConstraint = Annotated[
    dict[str, Any], _passthrough_schema("A core/v1 TopologySpreadConstraint, passed through unchanged.")
]
NetworkPolicyPeer = Annotated[
    dict[str, Any], _passthrough_schema("A networking/v1 NetworkPolicyPeer, passed through unchanged.")
]


# --- Secret references --------------------------------------------------------------------------


class SecretKeyRef(SpecModel):
    """A key of an existing Secret in the PanelApp's namespace. The operator never copies the value:
    pods read it through a secretKeyRef, and the operator only checks that the key exists and
    watches the Secret's resourceVersion to roll pods when it is rotated."""

    name: str = Field(
        description="Name of the Secret in the PanelApp's namespace.",
        max_length=253,
        pattern=DNS_SUBDOMAIN,
    )
    key: str = Field(description="Key inside the Secret's data.", max_length=253, pattern=SECRET_KEY_NAME)


class LocalObjectReference(SpecModel):
    """A reference to an object in the same namespace."""

    name: str = Field(description="Name of the object.", max_length=253, pattern=DNS_SUBDOMAIN)


# --- pass-through core types (modelled where small, so `kubectl explain` can teach them) ---------


class KeySelector(SpecModel):
    """Selects a key of a ConfigMap or Secret."""

    name: str = Field(description="Name of the ConfigMap or Secret.", max_length=253)
    key: str = Field(description="Key to select.", max_length=253)
    optional: bool | None = Field(default=None, description="Whether the object or key may be missing.")


class ObjectFieldSelector(SpecModel):
    """Selects a field of the pod (downward API)."""

    field_path: str = Field(description="Path of the field, e.g. metadata.name or status.podIP.")
    api_version: str | None = Field(default=None, description="Version of the schema the path is written in.")


class ResourceFieldSelector(SpecModel):
    """Selects a resource of a container (downward API)."""

    resource: str = Field(description="Resource to select, e.g. limits.memory.")
    container_name: str | None = Field(default=None, description="Container name; defaults to the app container.")
    divisor: Quantity | None = Field(default=None, description="Output format of the exposed resource.")


class EnvVarSource(SpecModel):
    """Where an extra environment variable takes its value from."""

    secret_key_ref: KeySelector | None = Field(default=None, description="A key of a Secret.")
    config_map_key_ref: KeySelector | None = Field(default=None, description="A key of a ConfigMap.")
    field_ref: ObjectFieldSelector | None = Field(default=None, description="A field of the pod.")
    resource_field_ref: ResourceFieldSelector | None = Field(default=None, description="A resource of the container.")


class EnvVar(SpecModel):
    """An extra environment variable for every PanelApp container (web, worker, beat and Jobs). It
    overrides a variable of the same name that the operator renders."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!(self.name in " + repr(list(SECRET_ENV_NAMES)).replace("'", '"') + " && has(self.value))",
            message=(
                "secret variables (" + ", ".join(SECRET_ENV_NAMES) + ") must come from a Secret: "
                "use valueFrom.secretKeyRef or the dedicated *SecretRef field, never a plain value"
            ),
            field=".value",
            holds=lambda m: not (m.name in SECRET_ENV_NAMES and m.value is not None),
        ),
    )

    name: str = Field(description="Variable name.", max_length=256, pattern=ENV_NAME)
    value: str | None = Field(default=None, description="Literal value. Not allowed for secret variables.")
    value_from: EnvVarSource | None = Field(default=None, description="Source of the value.")


class EnvSourceRef(SpecModel):
    """Names a ConfigMap or Secret to import whole."""

    name: str = Field(description="Name of the ConfigMap or Secret.", max_length=253)
    optional: bool | None = Field(default=None, description="Whether the object may be missing.")


class EnvFromSource(SpecModel):
    """A ConfigMap or Secret whose keys all become environment variables of every PanelApp container."""

    prefix: str | None = Field(default=None, description="Prefix prepended to every key.")
    config_map_ref: EnvSourceRef | None = Field(default=None, description="ConfigMap to import.")
    secret_ref: EnvSourceRef | None = Field(default=None, description="Secret to import.")


class Toleration(SpecModel):
    """A core/v1 Toleration: lets pods schedule onto nodes with matching taints."""

    key: str | None = Field(default=None, description="Taint key; empty with operator Exists matches every taint.")
    operator: Literal["Exists", "Equal"] | None = Field(default=None, description="Exists or Equal (the default).")
    value: str | None = Field(default=None, description="Taint value to match with operator Equal.")
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None = Field(
        default=None, description="Taint effect to match; empty matches all effects."
    )
    toleration_seconds: int | None = Field(
        default=None, description="For NoExecute: how long the pod stays bound after the taint appears."
    )


class ResourceRequirements(SpecModel):
    """Compute resources of a container (core/v1 ResourceRequirements)."""

    requests: dict[str, Quantity] | None = Field(
        default=None, description="Minimum resources the scheduler reserves, e.g. {cpu: 250m, memory: 512Mi}."
    )
    limits: dict[str, Quantity] | None = Field(
        default=None, description="Maximum resources, e.g. {memory: 1Gi}. A CPU limit is usually best left unset."
    )


class PodTemplateOverrides(SpecModel):
    """The pod-template escape hatch: scheduling and metadata added to pods. Maps merge by key with
    the component's own overrides winning; tolerations are appended; affinity, topology spread and
    priority class of a component replace the shared ones. The operator's own labels always win."""

    annotations: dict[str, str] | None = Field(default=None, description="Annotations added to the pods.")
    labels: dict[str, str] | None = Field(default=None, description="Labels added to the pods.")
    node_selector: dict[str, str] | None = Field(default=None, description="Node labels the pods must run on.")
    tolerations: list[Toleration] | None = Field(default=None, description="Tolerations of node taints.")
    affinity: Affinity | None = Field(
        default=None, description="A core/v1 Affinity (node, pod and pod anti-affinity), passed through unchanged."
    )
    topology_spread_constraints: list[TopologySpreadConstraint] | None = Field(
        default=None, description="core/v1 TopologySpreadConstraints, passed through unchanged."
    )
    priority_class_name: str | None = Field(default=None, description="PriorityClass of the pods.")
