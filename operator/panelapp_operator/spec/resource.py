"""The PanelApp resource: its API identity and the spec that brings the parts together."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from panelapp_operator.rules import Rule, SpecModel
from panelapp_operator.spec.core import EnvFromSource, EnvVar, LocalObjectReference, PodTemplateOverrides
from panelapp_operator.spec.monitoring import MetricsSpec
from panelapp_operator.spec.networking import IngressSpec, NetworkPolicySpec, ServiceSpec
from panelapp_operator.spec.patterns import IMAGE_HAS_TAG_OR_DIGEST, IMAGE_REFERENCE, URL, has_tag_or_digest
from panelapp_operator.spec.services import (
    AwsSpec,
    CognitoSpec,
    DatabaseSpec,
    DjangoSpec,
    EmailSpec,
    QueueSpec,
    StorageSpec,
)
from panelapp_operator.spec.workloads import (
    BeatSpec,
    CollectstaticSpec,
    MaintenanceSpec,
    MigrationsSpec,
    ServiceAccountSpec,
    WebSpec,
    WorkerSpec,
)

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


def _first_allowed_host_is_plain(m: PanelAppSpec) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", m.allowed_hosts[0]))


class PanelAppSpec(SpecModel):
    """Desired state of a PanelApp installation on AWS (S3, SQS, PostgreSQL, SMTP, optional Cognito)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="self.image.matches('" + IMAGE_HAS_TAG_OR_DIGEST + "')",
            message="image needs a tag or a digest, so that a new release is a new reference (a new migration)",
            field=".image",
            holds=lambda m: has_tag_or_digest(m.image),
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
        Rule(
            cel="!self.?worker.?autoscaling.?queue.?enabled.orValue(false) || self.?queue.?url.hasValue()",
            message="worker.autoscaling.queue needs queue.url (the scaler reads the depth of that queue)",
            field=".queue.url",
            holds=lambda m: not m.worker.autoscaling.queue.enabled or m.queue.url is not None,
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
    metrics: MetricsSpec = Field(default_factory=MetricsSpec, description="Prometheus metrics of web and worker.")

    def component_image_overrides(self) -> dict[str, str]:
        """Components whose pods run an image of their own instead of `image` (upstream images)."""
        own = {
            "web": self.web.image,
            "worker": self.worker.image,
            "beat": self.beat.image if self.beat.enabled else None,
        }
        return {component: image for component, image in own.items() if image is not None}
