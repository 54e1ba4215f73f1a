"""The PanelApp resource: pydantic models of its spec and status.

This module is the single source of truth for the API. crd.py turns these models into the CRD's
OpenAPI schema (descriptions, patterns, bounds, CEL rules), and the operator validates every object
it reads with the same models. Field descriptions are what `kubectl explain` shows, so they are
written for the platform engineer who writes the resource.

Environment variables named in descriptions are those of the PanelApp image's environment contract
(docs: panelapp-cloud-environments).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from panelapp_operator.rules import Rule, SpecModel, json_name

GROUP = "panelapp.org"
VERSION = "v1alpha1"
KIND = "PanelApp"
PLURAL = "panelapps"
SINGULAR = "panelapp"
SHORT_NAMES = ("pa",)
API_VERSION = f"{GROUP}/{VERSION}"

# The longest child name is "<name>-collectstatic-<8 hex>" and Job names must fit a 63-character
# label value (the Job controller copies the name into a pod label).
MAX_NAME_LENGTH = 40

DEFAULT_IMAGE = "ghcr.io/panelapp-operator/panelapp:0.1.0"

# --- reusable field types -------------------------------------------------------------------------

DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
SECRET_KEY_NAME = r"^[-._a-zA-Z0-9]+$"
# Registry host (optional, with port), repository path, then tag and/or digest. RE2-compatible so
# the same pattern works in the CRD.
IMAGE_REFERENCE = (
    r"^([a-zA-Z0-9][a-zA-Z0-9.-]*(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*"
    r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$"
)
IMAGE_HAS_TAG_OR_DIGEST = r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$"
# S3 bucket naming rules: 3-63 characters of lowercase letters, digits, dots and hyphens, starting
# and ending with a letter or digit ("..": refused by a rule below, RE2 has no lookahead).
S3_BUCKET = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
# AWS region names: eu-west-2, us-gov-west-1, cn-north-1, us-isob-east-1, ...
AWS_REGION = r"^[a-z]{2}(-gov|-iso[a-z]{0,2})?-[a-z]+-[0-9]{1,2}$"
# A bare host name (optionally with a port) as used for CDN domains: no scheme, no trailing slash.
HOST_NAME = r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$"
URL = r"^https?://[^\s/?#]+(/[^\s]*)?$"
ENV_NAME = r"^[-._a-zA-Z][-._a-zA-Z0-9]*$"
ARN = r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:.+$"
# A load balancer ARN, or a prefix of one (ending in *) that names at least the account and region.
ALB_ARN = r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/([^*\s]+/[^*\s/]+|[^*\s]*\*)$"

# What the patterns above mean, for error messages a person can act on.
PATTERN_MEANINGS = {
    DNS_SUBDOMAIN: "a DNS subdomain name (lowercase letters, digits, '-' and '.')",
    SECRET_KEY_NAME: "a Secret key (letters, digits, '-', '_' and '.')",
    IMAGE_REFERENCE: "an image reference such as registry.example.org/panelapp:1.2.3",
    S3_BUCKET: "an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending "
    "with a letter or digit",
    AWS_REGION: "an AWS region such as eu-west-2",
    HOST_NAME: "a bare host name such as cdn.example.org (no scheme, no path, no trailing slash)",
    URL: "an http(s) URL such as https://panelapp.example.org",
    ARN: "an AWS ARN (arn:aws:...)",
    ALB_ARN: "a load balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>) "
    "or a prefix of one naming the account and region, ending in *",
}

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
)

IntOrString = Annotated[
    int | str,
    WithJsonSchema({"x-kubernetes-int-or-string": True}),
]
Quantity = Annotated[
    int | str,
    WithJsonSchema(
        {
            "x-kubernetes-int-or-string": True,
            # Kubernetes' own quantity grammar: 250m, 0.5, 512Mi, 1e3, ...
            "pattern": r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))"
            r"(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$",
        }
    ),
]


def _passthrough(description: str) -> Any:
    """A Kubernetes core type we do not re-model (Affinity, ...): stored and rendered unchanged."""
    return Annotated[
        dict[str, Any],
        WithJsonSchema({"type": "object", "x-kubernetes-preserve-unknown-fields": True, "description": description}),
    ]


Affinity = _passthrough("A core/v1 Affinity (node, pod and pod anti-affinity), passed through unchanged.")
TopologySpreadConstraint = _passthrough("A core/v1 TopologySpreadConstraint, passed through unchanged.")
NetworkPolicyPeer = _passthrough("A networking/v1 NetworkPolicyPeer, passed through unchanged.")


def _has_tag_or_digest(image: str) -> bool:
    return re.search(IMAGE_HAS_TAG_OR_DIGEST, image) is not None


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


# --- AWS, storage, queue, database, email, Django, Cognito --------------------------------------


class AwsSpec(SpecModel):
    """AWS settings. Prefer IAM roles for service accounts (serviceAccount.roleARN) over access keys."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="has(self.accessKeyIDSecretRef) == has(self.secretAccessKeySecretRef)",
            message="set both accessKeyIDSecretRef and secretAccessKeySecretRef, or neither (use an IAM role)",
            field=".accessKeyIDSecretRef",
            holds=lambda m: (m.access_key_id_secret_ref is None) == (m.secret_access_key_secret_ref is None),
        ),
    )

    region: str = Field(
        description="AWS region of the buckets and the queue (AWS_REGION), e.g. eu-west-2.",
        max_length=32,
        pattern=AWS_REGION,
    )
    access_key_id_secret_ref: SecretKeyRef | None = Field(
        default=None,
        description="Secret key holding AWS_ACCESS_KEY_ID. Only needed without an IAM role; not recommended.",
    )
    secret_access_key_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding AWS_SECRET_ACCESS_KEY. Set together with accessKeyIDSecretRef."
    )


class StorageSpec(SpecModel):
    """The two S3 buckets: static files (read-write by web, public through a CDN) and media (uploads,
    read-write by web and worker)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!self.staticBucket.contains('..')",
            message="an S3 bucket name cannot contain two adjacent dots",
            field=".staticBucket",
            holds=lambda m: ".." not in m.static_bucket,
        ),
        Rule(
            cel="!self.mediaBucket.contains('..')",
            message="an S3 bucket name cannot contain two adjacent dots",
            field=".mediaBucket",
            holds=lambda m: ".." not in m.media_bucket,
        ),
    )

    static_bucket: str = Field(
        description="S3 bucket for static files (AWS_S3_STATICFILES_BUCKET_NAME).", max_length=63, pattern=S3_BUCKET
    )
    media_bucket: str = Field(
        description="S3 bucket for uploaded media (AWS_S3_MEDIAFILES_BUCKET_NAME).", max_length=63, pattern=S3_BUCKET
    )
    static_domain: str = Field(
        description="CDN domain serving the static bucket, no scheme and no trailing slash "
        "(AWS_S3_STATICFILES_CUSTOM_DOMAIN), e.g. static.panelapp.example.org.",
        max_length=253,
        pattern=HOST_NAME,
    )
    media_domain: str = Field(
        description="CDN domain serving the media bucket, no scheme and no trailing slash "
        "(AWS_S3_MEDIAFILES_CUSTOM_DOMAIN).",
        max_length=253,
        pattern=HOST_NAME,
    )
    static_location: str = Field(
        default="static",
        description="Path of static files inside their bucket (AWS_STATICFILES_LOCATION). Always rendered.",
        max_length=256,
    )
    media_location: str = Field(
        default="media",
        description="Path of media files inside their bucket "
        "(AWS_MEDIAFILES_LOCATION). Always rendered, because the app's documentation "
        "and code disagree on its default.",
        max_length=256,
    )


class QueueSpec(SpecModel):
    """The SQS queue Celery uses. Create it beforehand; the app has no permission to create queues."""

    name: str = Field(
        default="panelapp",
        description="SQS queue name (TASK_QUEUE_NAME).",
        max_length=80,
        pattern=r"^[A-Za-z0-9_-]{1,80}(\.fifo)?$",
    )
    visibility_timeout_seconds: int = Field(
        default=360,
        ge=0,
        le=43200,
        description="Visibility timeout of the queue in seconds, 0-43200 (SQS_QUEUE_VISIBILITY_TIMEOUT). It must "
        "equal the queue's own setting, or Celery tries to create a new queue.",
    )
    broker_url_secret_ref: SecretKeyRef | None = Field(
        default=None,
        description="Secret key holding CELERY_BROKER_URL (sqs://KEY:SECRET@). Only needed without an IAM role.",
    )


_DATABASE_PARTS = (
    "host",
    "hostSecretRef",
    "port",
    "portSecretRef",
    "name",
    "nameSecretRef",
    "user",
    "userSecretRef",
    "passwordSecretRef",
)


def _at_most_one(*values: Any) -> bool:
    return sum(value is not None for value in values) <= 1


class DatabaseSpec(SpecModel):
    """The PostgreSQL database: either urlSecretRef, or the parts (host, port, name, user, each as a
    plain value or from a Secret, and passwordSecretRef). The app's contract counts all of them as
    secrets: use the *SecretRef forms to keep them out of the resource (plain values are rendered
    into the ConfigMap, as written)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!has(self.urlSecretRef) || !(" + " || ".join(f"has(self.{p})" for p in _DATABASE_PARTS) + ")",
            message="set either urlSecretRef or the parts (host, port, name, user, passwordSecretRef), not both",
            field=".urlSecretRef",
            holds=lambda m: (
                m.url_secret_ref is None
                or all(
                    getattr(m, f) is None
                    for f in (
                        "host",
                        "host_secret_ref",
                        "port",
                        "port_secret_ref",
                        "name",
                        "name_secret_ref",
                        "user",
                        "user_secret_ref",
                        "password_secret_ref",
                    )
                )
            ),
        ),
        Rule(
            cel="has(self.urlSecretRef) || (has(self.host) != has(self.hostSecretRef))",
            message="set exactly one of host and hostSecretRef (or use urlSecretRef)",
            field=".host",
            holds=lambda m: m.url_secret_ref is not None or ((m.host is None) != (m.host_secret_ref is None)),
        ),
        Rule(
            cel="has(self.urlSecretRef) || has(self.passwordSecretRef)",
            message="passwordSecretRef is required unless urlSecretRef is set",
            field=".passwordSecretRef",
            holds=lambda m: m.url_secret_ref is not None or m.password_secret_ref is not None,
        ),
        Rule(
            cel="has(self.urlSecretRef) || (has(self.user) != has(self.userSecretRef))",
            message="set exactly one of user and userSecretRef (or use urlSecretRef)",
            field=".user",
            holds=lambda m: m.url_secret_ref is not None or ((m.user is None) != (m.user_secret_ref is None)),
        ),
        Rule(
            cel="!(has(self.port) && has(self.portSecretRef))",
            message="set port or portSecretRef, not both",
            field=".port",
            holds=lambda m: _at_most_one(m.port, m.port_secret_ref),
        ),
        Rule(
            cel="!(has(self.name) && has(self.nameSecretRef))",
            message="set name or nameSecretRef, not both",
            field=".name",
            holds=lambda m: _at_most_one(m.name, m.name_secret_ref),
        ),
    )

    url_secret_ref: SecretKeyRef | None = Field(
        default=None,
        description="Secret key holding DATABASE_URL, postgresql://USER:PASSWORD@HOST:PORT/NAME. "
        "Excludes every other field of database.",
    )
    host: str | None = Field(
        default=None,
        description="PostgreSQL host name (DATABASE_HOST) as a plain value.",
        max_length=253,
        pattern=HOST_NAME,
    )
    host_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding DATABASE_HOST, instead of host."
    )
    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="PostgreSQL port (DATABASE_PORT). Defaults to 5432 and is always rendered "
        "with the parts, because the app's own fallback has been wrong before.",
    )
    port_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding DATABASE_PORT, instead of port."
    )
    name: str | None = Field(
        default=None, description="Database name (DATABASE_NAME). Defaults to panelapp.", max_length=63
    )
    name_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding DATABASE_NAME, instead of name."
    )
    user: str | None = Field(default=None, description="Database user (DATABASE_USER) as a plain value.", max_length=63)
    user_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding DATABASE_USER, instead of user."
    )
    password_secret_ref: SecretKeyRef | None = Field(default=None, description="Secret key holding DATABASE_PASSWORD.")


class EmailSpec(SpecModel):
    """Outgoing email (SMTP, e.g. Amazon SES)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="has(self.userSecretRef) == has(self.passwordSecretRef)",
            message="set both userSecretRef and passwordSecretRef, or neither (no SMTP authentication)",
            field=".userSecretRef",
            holds=lambda m: (m.user_secret_ref is None) == (m.password_secret_ref is None),
        ),
    )

    host: str = Field(description="SMTP server host name (EMAIL_HOST).", max_length=253, pattern=HOST_NAME)
    port: int = Field(default=587, ge=1, le=65535, description="SMTP server port (EMAIL_PORT).")
    use_tls: bool = Field(default=True, description="Use STARTTLS (EMAIL_USE_TLS).")
    from_address: str = Field(
        description="Sender address of outgoing mail (DEFAULT_FROM_EMAIL).",
        max_length=254,
        pattern=r"^[^@\s]+@[^@\s]+$",
    )
    panelapp_address: str = Field(
        description="PanelApp's own contact address (PANEL_APP_EMAIL).", max_length=254, pattern=r"^[^@\s]+@[^@\s]+$"
    )
    user_secret_ref: SecretKeyRef | None = Field(default=None, description="Secret key holding EMAIL_HOST_USER.")
    password_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding EMAIL_HOST_PASSWORD."
    )


class DjangoSpec(SpecModel):
    """Django secrets."""

    secret_key_secret_ref: SecretKeyRef | None = Field(
        default=None,
        description="Secret key holding SECRET_KEY. If unset, the operator generates a random key once into the "
        "owned Secret <name>-secret-key and keeps it.",
    )
    admin_url_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding DJANGO_ADMIN_URL, the admin path (kept secret by obscurity)."
    )


class CognitoSpec(SpecModel):
    """Optional login through Amazon Cognito behind an AWS Application Load Balancer."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!self.?enabled.orValue(false) || (has(self.domainPrefix) && has(self.userPoolClientID))",
            message="domainPrefix and userPoolClientID are required when Cognito is enabled",
            field=".domainPrefix",
            holds=lambda m: not m.enabled or (m.domain_prefix is not None and m.user_pool_client_id is not None),
        ),
        Rule(
            cel="!self.?enabled.orValue(false) || has(self.userPoolARN)",
            message="userPoolARN is required when Cognito is enabled: PanelApp checks that the ALB's token was "
            "issued by this user pool",
            field=".userPoolARN",
            holds=lambda m: not m.enabled or m.user_pool_arn is not None,
        ),
    )

    enabled: bool = Field(default=False, description="Authenticate users with Cognito (AWS_USE_COGNITO).")
    domain_prefix: str | None = Field(
        default=None,
        max_length=63,
        pattern=r"^[a-z0-9](-?[a-z0-9])*$",
        description="Hosted UI domain prefix (AWS_COGNITO_DOMAIN_PREFIX).",
    )
    user_pool_client_id: str | None = Field(
        default=None,
        max_length=128,
        pattern=r"^[\w+]+$",
        description="User pool app client ID (AWS_COGNITO_USER_POOL_CLIENT_ID).",
    )
    user_pool_arn: str | None = Field(
        default=None,
        max_length=2048,
        pattern=ARN,
        description="User pool ARN, used by the ALB login rule of the Ingress; its id is rendered as "
        "AWS_COGNITO_USER_POOL_ID (the token's iss). Required when Cognito is enabled.",
    )
    alb_arns: list[Annotated[str, Field(max_length=2048, pattern=ALB_ARN)]] | None = Field(
        default=None,
        min_length=1,
        max_length=16,
        alias="albARNs",  # plural acronym, like podIPs
        description="Load balancers whose tokens PanelApp trusts (AWS_ALB_ARNS, the token's signer). Defaults to "
        "every ALB of the user pool's account in spec.aws.region (arn:...:loadbalancer/app/*); give the exact ARN "
        "once the ALB exists.",
    )
    hosted_auth_base: str | None = Field(
        default=None,
        max_length=2048,
        pattern=URL,
        description="Hosted UI auth base URL (AWS_COGNITO_HOSTED_AUTH_BASE).",
    )
    idp_logout_endpoint: str | None = Field(
        default=None, max_length=2048, pattern=URL, description="Logout endpoint URL (AWS_COGNITO_IDP_LOGOUT_ENDPOINT)."
    )
    elb_session_cookie_prefix: str | None = Field(
        default=None,
        max_length=256,
        description="ALB auth session cookie name (AWS_ELB_SESSION_COOKIE_PREFIX); also set on the ALB login "
        "rule. The app's default is AWSELBAuthSessionCookie.",
    )
    elb_public_key_endpoint: str | None = Field(
        default=None,
        max_length=2048,
        pattern=URL,
        description="Regional ELB public key URL (AWS_ELB_PUBLIC_KEY_ENDPOINT).",
    )
    jwt_sections: int | None = Field(
        default=None, ge=1, le=10, description="Number of sections of the ALB JWT (AWS_JWT_SECTIONS); app default 3."
    )
    jwt_signature_algorithm: str | None = Field(
        default=None, max_length=16, description="ALB JWT algorithm (AWS_JWT_SIGNATURE_ALGORITHM); app default ES256."
    )
    oidc_access_token_header: str | None = Field(
        default=None, max_length=128, description="Access token header (AWS_AMZN_OIDC_ACCESS_TOKEN)."
    )
    oidc_identity_header: str | None = Field(
        default=None, max_length=128, description="Identity header (AWS_AMZN_OIDC_IDENTITY)."
    )
    oidc_data_header: str | None = Field(
        default=None, max_length=128, description="OIDC data header (AWS_AMZN_OIDC_DATA)."
    )


# --- identity and workloads ---------------------------------------------------------------------


class ServiceAccountSpec(SpecModel):
    """The one ServiceAccount shared by web, worker, beat and the Jobs."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="self.?create.orValue(true) || has(self.name)",
            message="name is required when create is false",
            field=".name",
            holds=lambda m: m.create or m.name is not None,
        ),
    )

    create: bool = Field(
        default=True, description="Create and own the ServiceAccount. If false, use an existing one named by name."
    )
    name: str | None = Field(
        default=None,
        max_length=253,
        pattern=DNS_SUBDOMAIN,
        description="ServiceAccount name. Defaults to the PanelApp's name.",
    )
    role_arn: str | None = Field(
        default=None,
        max_length=2048,
        pattern=ARN,
        description="IAM role for S3 and SQS through IAM Roles for Service Accounts: rendered as the "
        "eks.amazonaws.com/role-arn annotation, so no AWS keys are needed.",
    )
    annotations: dict[str, str] | None = Field(default=None, description="Extra annotations of the ServiceAccount.")


DEFAULT_MIN_REPLICAS, DEFAULT_MAX_REPLICAS = 2, 10


class AutoscalingSpec(SpecModel):
    """A HorizontalPodAutoscaler for the component. When enabled, the operator never writes the
    Deployment's replicas, so it never fights the autoscaler."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel=f"self.?minReplicas.orValue({DEFAULT_MIN_REPLICAS}) <= "
            f"self.?maxReplicas.orValue({DEFAULT_MAX_REPLICAS})",
            message="minReplicas must not exceed maxReplicas",
            field=".minReplicas",
            holds=lambda m: m.min_replicas <= m.max_replicas,
        ),
    )

    enabled: bool = Field(default=False, description="Create the HorizontalPodAutoscaler.")
    min_replicas: int = Field(default=DEFAULT_MIN_REPLICAS, ge=1, le=1000, description="Fewest replicas.")
    max_replicas: int = Field(default=DEFAULT_MAX_REPLICAS, ge=1, le=1000, description="Most replicas.")
    target_cpu_utilization_percentage: int = Field(
        default=70, ge=1, le=1000, description="Average CPU use, in percent of requests, to keep."
    )
    target_memory_utilization_percentage: int | None = Field(
        default=None, ge=1, le=1000, description="Average memory use, in percent of requests, to keep (optional)."
    )


class DisruptionBudgetSpec(SpecModel):
    """A PodDisruptionBudget for the component (node drains and upgrades keep this many pods)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!(has(self.minAvailable) && has(self.maxUnavailable))",
            message="set minAvailable or maxUnavailable, not both",
            field=".minAvailable",
            holds=lambda m: not (m.min_available is not None and m.max_unavailable is not None),
        ),
    )

    enabled: bool = Field(default=False, description="Create the PodDisruptionBudget.")
    min_available: IntOrString | None = Field(
        default=None, description="Pods that must stay available (number or percentage)."
    )
    max_unavailable: IntOrString | None = Field(
        default=None,
        description="Pods that may be unavailable (number or percentage). Defaults to 1 when neither is set.",
    )


class GunicornSpec(SpecModel):
    """Gunicorn settings of the web server, rendered as GUNICORN_* variables on the web container."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!has(self.extra) || self.extra.all(k, k.matches('^[a-z][a-z_]{0,63}$'))",
            message="extra keys are gunicorn setting names: lowercase letters and underscores",
            field=".extra",
            holds=lambda m: not m.extra or all(re.fullmatch(r"[a-z][a-z_]{0,63}", k) for k in m.extra),
        ),
        Rule(
            cel="!has(self.extra) || self.extra.all(k, !(k in ['bind', 'workers', 'timeout', 'threads',"
            " 'graceful_timeout', 'keepalive']))",
            message="extra cannot set bind (the web server listens on 8080) or a setting that has its own field",
            field=".extra",
            holds=lambda m: (
                not m.extra
                or not (set(m.extra) & {"bind", "workers", "timeout", "threads", "graceful_timeout", "keepalive"})
            ),
        ),
    )

    workers: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Worker processes per pod (GUNICORN_WORKERS). "
        "The image's default of 8 suits a whole VM; on Kubernetes scale pods instead.",
    )
    threads: int | None = Field(default=None, ge=1, le=64, description="Threads per worker (GUNICORN_THREADS).")
    timeout: int = Field(default=300, ge=1, le=3600, description="Worker timeout in seconds (GUNICORN_TIMEOUT).")
    graceful_timeout: int = Field(
        default=30, ge=1, le=3600, description="Seconds to finish requests after SIGTERM (GUNICORN_GRACEFUL_TIMEOUT)."
    )
    keepalive: int | None = Field(
        default=None,
        ge=0,
        le=3600,
        description="Keep-alive seconds (GUNICORN_KEEPALIVE); set it above the load balancer's idle timeout.",
    )
    extra: dict[str, str] | None = Field(
        default=None,
        max_length=64,
        description="Other gunicorn settings by name, e.g. {max_requests: '1000'}, rendered as GUNICORN_<NAME>.",
    )


# --- per-component image and command (upstream images) --------------------------------------

COMMAND_PART = Annotated[str, Field(max_length=4096)]


def _component_image_field(component: str) -> Any:
    return Field(
        default=None,
        max_length=512,
        pattern=IMAGE_REFERENCE,
        description=f"Image of the {component} pods instead of image, with a tag or digest (e.g. a separate "
        f"upstream {component} image). Changing it is an upgrade like changing image: the migration Job "
        "(which runs image) goes first.",
    )


def _command_field(default_text: str) -> Any:
    return Field(
        default=None,
        max_length=64,
        description=f"Command (the container's entrypoint) instead of {default_text}. An empty list keeps the "
        "image's own ENTRYPOINT and CMD, e.g. for an upstream image that starts itself.",
    )


def _args_field() -> Any:
    return Field(
        default=None,
        max_length=256,
        description="Arguments (the container's args) after the command or the image's entrypoint.",
    )


def _image_tag_rule() -> Rule:
    return Rule(
        cel="!has(self.image) || self.image.matches('" + IMAGE_HAS_TAG_OR_DIGEST + "')",
        message="image needs a tag or a digest, so that a new release is a new reference (a new migration)",
        field=".image",
        holds=lambda m: m.image is None or _has_tag_or_digest(m.image),
    )


THROTTLE_RATE = r"^([0-9]+/(second|minute|hour|day)|off)$"


class ApiThrottleSpec(SpecModel):
    """How many API and WebServices requests a client may send (429 beyond); unset: the app's
    generous defaults (1200/minute anonymous, 6000/minute with a token). Counted per gunicorn worker."""

    anonymous_rate: str | None = Field(
        default=None,
        max_length=32,
        pattern=THROTTLE_RATE,
        description="Per anonymous client address, e.g. 1200/minute, or off.",
    )
    token_rate: str | None = Field(
        default=None,
        max_length=32,
        pattern=THROTTLE_RATE,
        description="Per user with a token or a session, e.g. 6000/minute, or off.",
    )


class WebSpec(SpecModel):
    """The web Deployment: gunicorn on port 8080."""

    __rules__: ClassVar[tuple[Rule, ...]] = (_image_tag_rule(),)

    replicas: int = Field(default=2, ge=0, le=1000, description="Replicas when autoscaling is off.")
    resources: ResourceRequirements | None = Field(
        default=None,
        description="Container resources. Defaults to requests {cpu: 250m, memory: 512Mi} and a memory limit of 1Gi.",
    )
    gunicorn: GunicornSpec = Field(default_factory=GunicornSpec, description="Gunicorn settings.")
    api_throttle: ApiThrottleSpec | None = Field(
        default=None, description="API request rates (API_THROTTLE_ANON_RATE, API_THROTTLE_TOKEN_RATE)."
    )
    autoscaling: AutoscalingSpec = Field(default_factory=AutoscalingSpec, description="HorizontalPodAutoscaler.")
    pod_disruption_budget: DisruptionBudgetSpec = Field(
        default_factory=DisruptionBudgetSpec, description="PodDisruptionBudget."
    )
    pre_stop_sleep_seconds: int = Field(
        default=15,
        ge=0,
        le=300,
        description="Seconds a stopping pod keeps serving so the load balancer deregisters it first.",
    )
    termination_grace_period_seconds: int = Field(
        default=60,
        ge=1,
        le=3600,
        description="Seconds between SIGTERM and SIGKILL; must cover preStopSleepSeconds plus gunicorn's "
        "gracefulTimeout.",
    )
    pod_template: PodTemplateOverrides | None = Field(default=None, description="Overrides for web pods only.")
    image: str | None = _component_image_field("web")
    command: list[COMMAND_PART] | None = _command_field(
        "panelapp-web. The server must listen on 8080 and answer GET /version/ (the probes)"
    )
    args: list[COMMAND_PART] | None = _args_field()


class WorkerSpec(SpecModel):
    """The Celery worker Deployment, consuming the SQS queue. It has no liveness probe on purpose:
    SQS offers no remote control, so `celery inspect ping` cannot work, and a broker outage must not
    restart every worker."""

    __rules__: ClassVar[tuple[Rule, ...]] = (_image_tag_rule(),)

    replicas: int = Field(default=1, ge=0, le=1000, description="Replicas when autoscaling is off.")
    concurrency: int = Field(default=2, ge=1, le=64, description="Celery processes per pod (--concurrency).")
    resources: ResourceRequirements | None = Field(
        default=None,
        description="Container resources. Defaults to requests {cpu: 250m, memory: 512Mi} and a memory limit of 1Gi.",
    )
    autoscaling: AutoscalingSpec = Field(default_factory=AutoscalingSpec, description="HorizontalPodAutoscaler.")
    pod_disruption_budget: DisruptionBudgetSpec = Field(
        default_factory=DisruptionBudgetSpec, description="PodDisruptionBudget."
    )
    termination_grace_period_seconds: int = Field(
        default=360,
        ge=1,
        le=43200,
        description="Seconds a stopping worker has to finish its tasks (Celery's warm shutdown). Defaults to the "
        "queue's default visibility timeout.",
    )
    pod_template: PodTemplateOverrides | None = Field(default=None, description="Overrides for worker pods only.")
    image: str | None = _component_image_field("worker")
    command: list[COMMAND_PART] | None = _command_field(
        "panelapp-worker --concurrency=<concurrency> (concurrency then has no effect)"
    )
    args: list[COMMAND_PART] | None = _args_field()


class BeatSpec(SpecModel):
    """The Celery beat scheduler: a singleton (one replica, Recreate strategy, no autoscaler)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (_image_tag_rule(),)

    enabled: bool = Field(default=True, description="Run the beat Deployment (PanelApp schedules periodic checks).")
    resources: ResourceRequirements | None = Field(
        default=None,
        description="Container resources. Defaults to requests {cpu: 50m, memory: 128Mi} and a memory limit of 256Mi.",
    )
    pod_template: PodTemplateOverrides | None = Field(default=None, description="Overrides for the beat pod only.")
    image: str | None = _component_image_field("beat")
    command: list[COMMAND_PART] | None = _command_field(
        "panelapp-beat. The root filesystem is read-only: keep the schedule file under /tmp"
    )
    args: list[COMMAND_PART] | None = _args_field()


class BackupSpec(SpecModel):
    """A backup of the database before every migration: a Job runs pg_dump (custom format, for
    pg_restore) of the instance's database with its own credentials and uploads it to S3. The
    migration starts only after it succeeded; a failed backup blocks it (Degraded, BackupFailed)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!self.?enabled.orValue(false) || has(self.bucket)",
            message="a backup needs bucket (where the dumps go)",
            field=".bucket",
            holds=lambda m: not m.enabled or m.bucket is not None,
        ),
        Rule(
            cel="!has(self.bucket) || !self.bucket.contains('..')",
            message="an S3 bucket name cannot contain two adjacent dots",
            field=".bucket",
            holds=lambda m: m.bucket is None or ".." not in m.bucket,
        ),
    )

    enabled: bool | None = Field(
        default=None, description="Back up before every migration. Defaults to true when bucket is set."
    )
    bucket: str | None = Field(
        default=None,
        max_length=63,
        pattern=S3_BUCKET,
        description="S3 bucket of the dumps, best one of their own (versioned, with a "
        "lifecycle rule); the pods' AWS identity needs put, list and delete there.",
    )
    prefix: str = Field(
        default="panelapp-backups",
        min_length=1,
        max_length=256,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
        description="Key prefix; each dump is <prefix>/<namespace>/<name>/<time>-<upgrade key>.dump.",
    )
    keep: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="Dumps kept under the prefix; older ones are deleted after a successful backup.",
    )
    timeout_seconds: int = Field(default=3600, ge=60, le=86400, description="Deadline of the backup Job.")
    resources: ResourceRequirements | None = Field(
        default=None, description="Resources of the backup Job's container. Defaults to the web defaults."
    )

    @property
    def active(self) -> bool:
        return self.enabled if self.enabled is not None else self.bucket is not None


class MigrationsSpec(SpecModel):
    """The database migration Job that gates every new image."""

    strategy: Literal["Online", "Maintenance"] = Field(
        default="Online",
        description="Online: the previous release keeps serving, writes included, while the new one migrates. "
        "Maintenance, for migrations that cannot run under writes: first web turns read-only (writes answer 503 "
        "with maintenance.message, a banner shows on every page) and worker and beat scale to zero once their "
        "tasks are finished; then the migration runs; the rollout to the new release leaves read-only. A failed "
        "migration keeps maintenance on until the next attempt (or strategy Online). A first install and a "
        "trigger-only re-run of the serving image migrate online.",
    )

    trigger: str | None = Field(
        default=None,
        max_length=63,
        description="Any string; changing it runs the migration again for the same image (also the way to retry "
        "a failed migration). Part of the Job's name.",
    )
    timeout_seconds: int = Field(
        default=900,
        ge=10,
        le=86400,
        description="Deadline of the Job (activeDeadlineSeconds); a timed-out migration fails like any other.",
    )
    backoff_limit: int = Field(
        default=0, ge=0, le=10, description="Pod retries inside the one Job before it counts as failed."
    )
    resources: ResourceRequirements | None = Field(
        default=None, description="Resources of the Job's container. Defaults to the web defaults."
    )
    pod_template: PodTemplateOverrides | None = Field(default=None, description="Overrides for the Job's pod only.")
    backup: BackupSpec = Field(default_factory=BackupSpec, description="Database backup before every migration.")
    command: list[COMMAND_PART] | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Command of the migration Job (it runs image) instead of panelapp-migrate, e.g. [python, "
        "manage.py, migrate, --noinput] for an upstream image. It must exit 0 once the database is migrated.",
    )
    args: list[COMMAND_PART] | None = _args_field()


class MaintenanceSpec(SpecModel):
    """The standing maintenance switch: web read-only (PANELAPP_READ_ONLY) with a message on every
    page. Workers keep running. Also used by migrations.strategy Maintenance."""

    enabled: bool = Field(
        default=False,
        description="Turn web read-only now (and until switched off): requests "
        "that could write answer 503 with the message; reads keep working. The pods roll to it.",
    )
    message: str | None = Field(
        default=None,
        min_length=1,
        max_length=512,
        description="Shown on every page and in the 503 answers while read-only (PANELAPP_READ_ONLY_MESSAGE); "
        "the image has a default.",
    )


class CollectstaticSpec(SpecModel):
    """The collectstatic Job, run after a successful migration and before the rollout. It only adds
    files, so old pods keep finding the hashed assets they reference."""

    enabled: bool = Field(default=True, description="Run collectstatic for every new image.")
    timeout_seconds: int = Field(default=900, ge=10, le=86400, description="Deadline of the Job.")
    resources: ResourceRequirements | None = Field(default=None, description="Resources of the Job's container.")
    pod_template: PodTemplateOverrides | None = Field(default=None, description="Overrides for the Job's pod only.")
    command: list[COMMAND_PART] | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Command of the collectstatic Job (it runs image) instead of panelapp-collectstatic, e.g. "
        "[python, manage.py, collectstatic, --noinput]. Never add --clear: pods of the previous release still "
        "link the old files.",
    )
    args: list[COMMAND_PART] | None = _args_field()


# --- networking ---------------------------------------------------------------------------------


class ServiceSpec(SpecModel):
    """The Service in front of the web pods."""

    type: Literal["ClusterIP", "NodePort", "LoadBalancer"] = Field(default="ClusterIP", description="Service type.")
    port: int = Field(default=80, ge=1, le=65535, description="Service port (the pods listen on 8080).")
    annotations: dict[str, str] | None = Field(default=None, description="Annotations of the Service.")


class AlbSpec(SpecModel):
    """First-class settings of the AWS Load Balancer Controller, rendered as its annotations."""

    scheme: Literal["internet-facing", "internal"] = Field(default="internet-facing", description="ALB scheme.")
    certificate_arn: str | None = Field(
        default=None,
        max_length=2048,
        pattern=ARN,
        description="ACM certificate; enables HTTPS on 443 with a redirect from 80.",
    )
    group_name: str | None = Field(
        default=None,
        max_length=63,
        pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        description="IngressGroup to share one ALB. With Cognito, defaults to <namespace>-<name> so the login "
        "rule and the main rule share the ALB.",
    )
    target_type: Literal["ip", "instance"] = Field(default="ip", description="How the ALB reaches pods.")
    waf_acl: str | None = Field(
        default=None, max_length=2048, pattern=ARN, description="ARN of a WAFv2 web ACL to attach to the ALB."
    )


class IngressTls(SpecModel):
    """TLS of the Ingress for controllers that terminate TLS themselves (not needed with an ALB
    certificateARN)."""

    secret_name: str = Field(
        description="Secret holding the certificate and key.", max_length=253, pattern=DNS_SUBDOMAIN
    )


class IngressSpec(SpecModel):
    """The optional Ingress for the web Service."""

    enabled: bool = Field(default=False, description="Create the Ingress.")
    class_name: str | None = Field(
        default=None, max_length=253, description="IngressClass. Defaults to alb when alb is set."
    )
    host: str | None = Field(
        default=None,
        max_length=253,
        pattern=r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        description="Host name routed to PanelApp. Defaults to the first entry of allowedHosts.",
    )
    annotations: dict[str, str] | None = Field(
        default=None, description="Extra annotations of the Ingress; they win over the rendered ones."
    )
    tls: IngressTls | None = Field(default=None, description="TLS Secret for the host.")
    alb: AlbSpec | None = Field(default=None, description="AWS Load Balancer Controller settings.")


class NetworkPolicySpec(SpecModel):
    """An optional NetworkPolicy: web accepts traffic on 8080 only (from ingressFrom peers if given);
    worker and beat accept none. Egress stays open (database, SMTP and AWS endpoints are outside)."""

    enabled: bool = Field(default=False, description="Create the NetworkPolicy.")
    ingress_from: list[NetworkPolicyPeer] | None = Field(
        default=None, description="Peers allowed to reach web (networking/v1 NetworkPolicyPeers). Default: all."
    )


# --- the resource -------------------------------------------------------------------------------


def _first_allowed_host_is_plain(m: PanelAppSpec) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", m.allowed_hosts[0]))


class PanelAppSpec(SpecModel):
    """Desired state of a PanelApp installation on AWS (S3, SQS, PostgreSQL, SMTP, optional Cognito)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="self.image.matches('" + IMAGE_HAS_TAG_OR_DIGEST + "')",
            message="image needs a tag or a digest, so that a new release is a new reference (a new migration)",
            field=".image",
            holds=lambda m: _has_tag_or_digest(m.image),
        ),
        Rule(
            cel="!self.?cognito.?enabled.orValue(false) || !self.?ingress.?enabled.orValue(false) || "
            "has(self.cognito.userPoolARN)",
            message="cognito.userPoolARN is required when Cognito and the Ingress are enabled",
            field=".cognito.userPoolARN",
            holds=lambda m: not (m.cognito.enabled and m.ingress.enabled) or m.cognito.user_pool_arn is not None,
        ),
        Rule(
            cel="!self.?cognito.?enabled.orValue(false) || !self.?ingress.?enabled.orValue(false) || "
            "self.ingress.?alb.?certificateARN.hasValue()",
            message="Cognito login through the Ingress needs an ALB with HTTPS: set ingress.alb.certificateARN "
            "(an ALB authenticates only on HTTPS listeners)",
            field=".ingress.alb",
            holds=lambda m: (
                not (m.cognito.enabled and m.ingress.enabled)
                or (m.ingress.alb is not None and m.ingress.alb.certificate_arn is not None)
            ),
        ),
        Rule(
            cel="!self.?ingress.?enabled.orValue(false) || has(self.ingress.host) || "
            "self.allowedHosts[0].matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')",
            message="ingress.host is required when the first allowedHosts entry is not a plain host name",
            field=".ingress.host",
            holds=lambda m: not m.ingress.enabled or m.ingress.host is not None or _first_allowed_host_is_plain(m),
        ),
    )

    image: str = Field(
        description="PanelApp image with a tag or digest, e.g. " + DEFAULT_IMAGE + ". Changing it runs the "
        "migration Job, then collectstatic, and only then rolls web, worker and beat.",
        max_length=512,
        pattern=IMAGE_REFERENCE,
    )
    image_pull_policy: Literal["Always", "IfNotPresent", "Never"] = Field(
        default="IfNotPresent", description="Image pull policy."
    )
    image_pull_secrets: list[LocalObjectReference] | None = Field(
        default=None, description="Secrets for a private registry."
    )
    suspend: bool = Field(
        default=False,
        description="Stop all changes to the children (status is still reported). Running pods keep running.",
    )
    force_reload: str | None = Field(
        default=None, max_length=253, description="Any new string restarts all pods (rolling)."
    )
    allowed_hosts: list[Annotated[str, Field(min_length=1, max_length=253, pattern=r"^[^;\s]+$")]] = Field(
        min_length=1,
        max_length=64,
        description="Host names Django serves (ALLOWED_HOSTS, rendered joined with ';'). The first one is "
        "sent as the Host header of the probes and is the default Ingress host.",
    )
    base_url: str = Field(
        description="Public URL of PanelApp (PANEL_APP_BASE_URL), e.g. https://panelapp.example.org.",
        max_length=2048,
        pattern=URL,
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="Log level of Django, gunicorn and Celery (DJANGO_LOG_LEVEL)."
    )
    aws: AwsSpec = Field(description="AWS region and optional access keys.")
    storage: StorageSpec = Field(description="S3 buckets and their CDN domains.")
    queue: QueueSpec = Field(default_factory=QueueSpec, description="SQS queue of Celery.")
    database: DatabaseSpec = Field(description="PostgreSQL connection.")
    email: EmailSpec = Field(description="Outgoing email.")
    django: DjangoSpec = Field(default_factory=DjangoSpec, description="Django secret key and admin URL.")
    cognito: CognitoSpec = Field(default_factory=CognitoSpec, description="Optional Cognito login through the ALB.")
    env: list[EnvVar] | None = Field(
        default=None,
        max_length=256,
        description="Extra environment variables of every container; they override rendered ones of the same name.",
    )
    env_from: list[EnvFromSource] | None = Field(
        default=None,
        max_length=32,
        description="Extra ConfigMaps and Secrets imported as environment variables of every container.",
    )
    service_account: ServiceAccountSpec = Field(
        default_factory=ServiceAccountSpec, description="ServiceAccount (IRSA role) of all pods."
    )
    pod_template: PodTemplateOverrides | None = Field(
        default=None, description="Overrides for every pod, Job pods included."
    )
    web: WebSpec = Field(default_factory=WebSpec, description="Web server (gunicorn).")
    worker: WorkerSpec = Field(default_factory=WorkerSpec, description="Celery worker.")
    beat: BeatSpec = Field(default_factory=BeatSpec, description="Celery beat.")
    migrations: MigrationsSpec = Field(default_factory=MigrationsSpec, description="Migration Job.")
    maintenance: MaintenanceSpec = Field(
        default_factory=MaintenanceSpec, description="Standing maintenance: read-only web with a message."
    )
    banner: str | None = Field(
        default=None,
        min_length=1,
        max_length=1024,
        description="A notice shown on every page, e.g. announced downtime (PANELAPP_BANNER).",
    )
    collectstatic: CollectstaticSpec = Field(default_factory=CollectstaticSpec, description="Collectstatic Job.")
    service: ServiceSpec = Field(default_factory=ServiceSpec, description="Service of the web pods.")
    ingress: IngressSpec = Field(default_factory=IngressSpec, description="Optional Ingress.")
    network_policy: NetworkPolicySpec = Field(default_factory=NetworkPolicySpec, description="Optional NetworkPolicy.")

    def component_image_overrides(self) -> dict[str, str]:
        """Components whose pods run an image of their own instead of `image` (upstream images)."""
        own = {
            "web": self.web.image,
            "worker": self.worker.image,
            "beat": self.beat.image if self.beat.enabled else None,
        }
        return {component: image for component, image in own.items() if image is not None}


# --- status -------------------------------------------------------------------------------------

Phase = Literal["Pending", "Migrating", "RollingOut", "Ready", "Degraded", "Suspended", "Invalid"]
PHASES: tuple[str, ...] = Phase.__args__  # type: ignore[attr-defined]

CONDITION_TYPES = ("Ready", "Progressing", "Degraded", "MigrationsApplied", "ConfigValid", "Maintenance")


class StatusModel(BaseModel):
    """Base of status models: camelCase, tolerant of fields written by newer operator versions."""

    model_config = ConfigDict(alias_generator=json_name, populate_by_name=True, extra="ignore")


class Condition(StatusModel):
    """A metav1.Condition."""

    type: str = Field(description="Ready, Progressing, Degraded, MigrationsApplied, ConfigValid or Maintenance.")
    status: Literal["True", "False", "Unknown"] = Field(description="True, False or Unknown.")
    reason: str = Field(description="CamelCase reason of the last transition.")
    message: str = Field(default="", description="Human-readable detail.")
    last_transition_time: str = Field(description="When the status last changed (RFC 3339).")
    observed_generation: int | None = Field(default=None, description="Generation the condition was computed for.")


class ComponentStatus(StatusModel):
    """Replica counts and health of one Deployment."""

    replicas: int = Field(default=0, description="Desired replicas (from the spec or the autoscaler).")
    ready_replicas: int = Field(default=0, description="Replicas passing readiness.")
    updated_replicas: int = Field(default=0, description="Replicas running the current pod template.")
    available_replicas: int = Field(default=0, description="Replicas available to serve.")
    image: str | None = Field(default=None, description="Image of the Deployment's pod template.")
    ready: bool = Field(default=False, description="All replicas updated and available.")
    pod_failures: list[str] | None = Field(
        default=None, description="Pods failing to run, with the reason (CrashLoopBackOff, ImagePullBackOff, ...)."
    )


class ComponentsStatus(StatusModel):
    """Per-component status."""

    web: ComponentStatus | None = Field(default=None, description="The web Deployment.")
    worker: ComponentStatus | None = Field(default=None, description="The worker Deployment.")
    beat: ComponentStatus | None = Field(default=None, description="The beat Deployment.")


class UpgradeStatus(StatusModel):
    """Progress of the migrate -> collectstatic -> rollout sequence for the target image."""

    image: str = Field(description="Image being (or last) upgraded to.")
    trigger: str | None = Field(default=None, description="migrations.trigger at the time.")
    key: str = Field(description="Hash of image and trigger that names the Jobs.")
    state: Literal["Draining", "BackingUp", "Migrating", "CollectingStatic", "RollingOut", "Succeeded", "Failed"] = (
        Field(
            description="Where the upgrade is. Draining (strategy Maintenance): waiting for web to be read-only and "
            "for worker and beat to stop. BackingUp: migrations.backup runs before the migration."
        )
    )
    backup_job: str | None = Field(default=None, description="Name of the backup Job, with migrations.backup.")
    migration_job: str | None = Field(default=None, description="Name of the migration Job.")
    collectstatic_job: str | None = Field(default=None, description="Name of the collectstatic Job.")
    failed_step: Literal["backup", "migrate", "collectstatic"] | None = Field(
        default=None, description="Which Job failed, when state is Failed."
    )
    message: str | None = Field(default=None, description="Detail, e.g. the Job's failure reason.")
    started_at: str | None = Field(default=None, description="When the migration Job was created.")
    finished_at: str | None = Field(default=None, description="When the upgrade succeeded or failed.")


class BackupRecord(StatusModel):
    """One backup taken before a migration (what a restore needs)."""

    upgrade_key: str = Field(description="The upgrade it was taken for.")
    job: str = Field(description="Name of the backup Job.")
    image: str = Field(description="The release being installed when it was taken.")
    finished_at: str | None = Field(default=None, description="When the backup Job's pod finished.")
    object_key: str | None = Field(default=None, description="S3 key of the dump (s3://bucket/key).")
    size_bytes: int | None = Field(default=None, description="Size of the dump.")
    duration_seconds: float | None = Field(default=None, description="How long pg_dump and the upload took.")


class PanelAppStatus(StatusModel):
    """Observed state, written only by the operator."""

    observed_generation: int | None = Field(default=None, description="metadata.generation last reconciled.")
    phase: Phase | None = Field(
        default=None, description="Pending, Migrating, RollingOut, Ready, Degraded, Suspended or Invalid."
    )
    ready: str | None = Field(default=None, description="Ready pods over desired pods, e.g. 3/3.")
    image: str | None = Field(
        default=None, description="Image web, worker and beat run (set when the Deployments are moved to it)."
    )
    migrated_image: str | None = Field(default=None, description="Last image whose migration Job succeeded.")
    component_images: dict[str, str] | None = Field(
        default=None,
        description="Images of the components that run their own (web.image, worker.image, "
        "beat.image), set with image when the Deployments are moved to them.",
    )
    upgrade: UpgradeStatus | None = Field(default=None, description="The current or last upgrade.")
    backups: list[BackupRecord] | None = Field(
        default=None, description="The last backups taken before migrations, newest first (at most 10)."
    )
    components: ComponentsStatus | None = Field(default=None, description="Per-component replicas and readiness.")
    config_hash: str | None = Field(
        default=None,
        description="Hash of the rendered configuration and the "
        "referenced Secrets' versions, stamped on the pod templates.",
    )
    conditions: list[Condition] | None = Field(
        default=None,
        description="Ready, Progressing, Degraded, "
        "MigrationsApplied, ConfigValid and, once maintenance was on, "
        "Maintenance (True while web is read-only).",
    )
