"""The workloads: the shared ServiceAccount, web, worker and beat with their autoscalers and
disruption budgets, and the backup, migration and collectstatic Jobs of an upgrade."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from panelapp_operator.rules import Rule, SpecModel
from panelapp_operator.spec.core import PodTemplateOverrides, ResourceRequirements
from panelapp_operator.spec.patterns import (
    ARN,
    DNS_SUBDOMAIN,
    IMAGE_HAS_TAG_OR_DIGEST,
    IMAGE_REFERENCE,
    S3_BUCKET,
    URL,
    IntOrString,
    has_tag_or_digest,
)


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

    @property
    def scales(self) -> bool:
        """Something other than the operator sets the Deployment's replicas."""
        return self.enabled

    @property
    def starting_replicas(self) -> int:
        """The count a new (or restarted) Deployment starts at before the autoscaler takes over."""
        return self.min_replicas


DEFAULT_QUEUE_MAX_REPLICAS = 10


class QueueAuthenticationSpec(SpecModel):
    """How KEDA reads the queue's depth: by default with pod identity (IRSA), as the worker's own
    ServiceAccount (serviceAccount.roleARN; the role needs sqs:GetQueueAttributes), through a
    TriggerAuthentication the operator renders; or a TriggerAuthentication of your own."""

    trigger_authentication_name: str | None = Field(
        default=None,
        max_length=253,
        pattern=DNS_SUBDOMAIN,
        description="An existing KEDA TriggerAuthentication in the PanelApp's namespace (e.g. with access keys). "
        "Unset: the operator renders one with podIdentity.provider aws and identityOwner workload (IRSA).",
    )


class QueueAutoscalingSpec(SpecModel):
    """A KEDA ScaledObject that scales the workers on the SQS queue's depth (the aws-sqs-queue scaler).
    Needs KEDA installed (its CRDs keda.sh/v1alpha1) and queue.url. The operator then never writes the
    worker Deployment's replicas; minReplicas 0 stops every worker while the queue is empty."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel=f"self.?minReplicas.orValue(0) <= self.?maxReplicas.orValue({DEFAULT_QUEUE_MAX_REPLICAS})",
            message="minReplicas must not exceed maxReplicas",
            field=".minReplicas",
            holds=lambda m: m.min_replicas <= m.max_replicas,
        ),
    )

    enabled: bool = Field(default=False, description="Create the ScaledObject (exclusive with the CPU autoscaler).")
    messages_per_worker: int = Field(
        default=5,
        ge=1,
        le=100000,
        description="Messages (visible and in flight) per worker pod to aim for: the scaler's queueLength.",
    )
    activation_messages: int = Field(
        default=0,
        ge=0,
        le=100000,
        description="Workers start from zero once more than this many messages wait: activationQueueLength.",
    )
    min_replicas: int = Field(
        default=0, ge=0, le=1000, description="Fewest workers (0: none while the queue is empty)."
    )
    max_replicas: int = Field(default=DEFAULT_QUEUE_MAX_REPLICAS, ge=1, le=1000, description="Most workers.")
    polling_interval: int = Field(default=30, ge=1, le=3600, description="Seconds between two looks at the queue.")
    cooldown_period: int = Field(
        default=300,
        ge=0,
        le=86400,
        description="Seconds after the last message before the workers scale to minReplicas 0.",
    )
    authentication: QueueAuthenticationSpec = Field(
        default_factory=QueueAuthenticationSpec, description="How the scaler authenticates to SQS."
    )
    aws_endpoint: str | None = Field(
        default=None,
        max_length=2048,
        pattern=URL,
        description="Advanced: another SQS endpoint for the scaler (awsEndpoint), e.g. a VPC endpoint or a test "
        "double. Leave unset for AWS itself.",
    )


class WorkerAutoscalingSpec(AutoscalingSpec):
    """The worker's autoscaler: a CPU HorizontalPodAutoscaler (enabled) or, exclusive with it, KEDA on
    the queue's depth (queue)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        *AutoscalingSpec.__rules__,
        Rule(
            cel="!(self.?enabled.orValue(false) && self.?queue.?enabled.orValue(false))",
            message="enabled (the CPU autoscaler) and queue.enabled (KEDA) exclude each other: two autoscalers "
            "would fight over the worker's replicas",
            field=".queue",
            holds=lambda m: not (m.enabled and m.queue.enabled),
        ),
    )

    queue: QueueAutoscalingSpec = Field(
        default_factory=QueueAutoscalingSpec, description="KEDA ScaledObject on the SQS queue's depth."
    )

    @property
    def scales(self) -> bool:
        return self.enabled or self.queue.enabled

    @property
    def starting_replicas(self) -> int:
        # At zero nothing starts the Deployment's first pods when KEDA is absent or slow; one worker
        # is the smallest start, and KEDA scales it to zero once the queue is empty.
        return max(self.queue.min_replicas, 1) if self.queue.enabled else self.min_replicas


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
        holds=lambda m: m.image is None or has_tag_or_digest(m.image),
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
    autoscaling: WorkerAutoscalingSpec = Field(
        default_factory=WorkerAutoscalingSpec,
        description="HorizontalPodAutoscaler on CPU, or KEDA on the queue's depth (queue).",
    )
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
