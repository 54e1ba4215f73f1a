"""The PanelApp resource: pydantic models of its spec and status.

This package is the single source of truth for the API. Its modules, re-exported here so that
`from panelapp_operator.spec import X` reaches every name:
- patterns: the field patterns (and what they mean, for messages) and reusable field types;
- core: Kubernetes core types (Secret references, env, resources, pod-template overrides);
- services: AWS, storage, queue, database, email, Django and Cognito;
- workloads: the ServiceAccount, web, worker, beat and the Jobs of an upgrade;
- networking: Service, Ingress and NetworkPolicy;
- resource: the API's identity (group, version, kind) and PanelAppSpec;
- status: PanelAppStatus and its parts.

crd.py turns these models into the CRD's OpenAPI schema (descriptions, patterns, bounds, CEL
rules), and the operator validates every object it reads with the same models. Field descriptions
are what `kubectl explain` shows, so they are written for the platform engineer who writes the
resource.

Environment variables named in descriptions are those of the PanelApp image's environment contract
(docs: panelapp-cloud-environments).
"""

from __future__ import annotations

from panelapp_operator.spec.core import (
    SECRET_ENV_NAMES,
    Affinity,
    EnvFromSource,
    EnvSourceRef,
    EnvVar,
    EnvVarSource,
    KeySelector,
    LocalObjectReference,
    NetworkPolicyPeer,
    ObjectFieldSelector,
    PodTemplateOverrides,
    ResourceFieldSelector,
    ResourceRequirements,
    SecretKeyRef,
    Toleration,
    TopologySpreadConstraint,
)
from panelapp_operator.spec.networking import (
    AlbSpec,
    IngressSpec,
    IngressTls,
    NetworkPolicySpec,
    ServiceSpec,
)
from panelapp_operator.spec.patterns import (
    ALB_ARN,
    ARN,
    AWS_REGION,
    DNS_SUBDOMAIN,
    ENV_NAME,
    HOST_NAME,
    IMAGE_HAS_TAG_OR_DIGEST,
    IMAGE_REFERENCE,
    PATTERN_MEANINGS,
    S3_BUCKET,
    SECRET_KEY_NAME,
    URL,
    IntOrString,
    Quantity,
    has_tag_or_digest,
)
from panelapp_operator.spec.resource import (
    API_VERSION,
    DEFAULT_IMAGE,
    GROUP,
    KIND,
    MAX_NAME_LENGTH,
    PLURAL,
    SHORT_NAMES,
    SINGULAR,
    VERSION,
    PanelAppSpec,
)
from panelapp_operator.spec.services import (
    AwsSpec,
    CognitoSpec,
    DatabaseSpec,
    DjangoSpec,
    EmailSpec,
    QueueSpec,
    StorageSpec,
)
from panelapp_operator.spec.status import (
    CONDITION_TYPES,
    PHASES,
    BackupRecord,
    ComponentsStatus,
    ComponentStatus,
    Condition,
    PanelAppStatus,
    Phase,
    StatusModel,
    UpgradeStatus,
)
from panelapp_operator.spec.workloads import (
    COMMAND_PART,
    DEFAULT_MAX_REPLICAS,
    DEFAULT_MIN_REPLICAS,
    THROTTLE_RATE,
    ApiThrottleSpec,
    AutoscalingSpec,
    BackupSpec,
    BeatSpec,
    CollectstaticSpec,
    DisruptionBudgetSpec,
    GunicornSpec,
    MaintenanceSpec,
    MigrationsSpec,
    ServiceAccountSpec,
    WebSpec,
    WorkerSpec,
)

__all__ = [
    "DNS_SUBDOMAIN",
    "SECRET_KEY_NAME",
    "IMAGE_REFERENCE",
    "IMAGE_HAS_TAG_OR_DIGEST",
    "S3_BUCKET",
    "AWS_REGION",
    "HOST_NAME",
    "URL",
    "ENV_NAME",
    "ARN",
    "ALB_ARN",
    "PATTERN_MEANINGS",
    "IntOrString",
    "Quantity",
    "has_tag_or_digest",
    "SECRET_ENV_NAMES",
    "Affinity",
    "TopologySpreadConstraint",
    "NetworkPolicyPeer",
    "SecretKeyRef",
    "LocalObjectReference",
    "KeySelector",
    "ObjectFieldSelector",
    "ResourceFieldSelector",
    "EnvVarSource",
    "EnvVar",
    "EnvSourceRef",
    "EnvFromSource",
    "Toleration",
    "ResourceRequirements",
    "PodTemplateOverrides",
    "AwsSpec",
    "StorageSpec",
    "QueueSpec",
    "DatabaseSpec",
    "EmailSpec",
    "DjangoSpec",
    "CognitoSpec",
    "ServiceAccountSpec",
    "DEFAULT_MIN_REPLICAS",
    "DEFAULT_MAX_REPLICAS",
    "AutoscalingSpec",
    "DisruptionBudgetSpec",
    "GunicornSpec",
    "COMMAND_PART",
    "THROTTLE_RATE",
    "ApiThrottleSpec",
    "WebSpec",
    "WorkerSpec",
    "BeatSpec",
    "BackupSpec",
    "MigrationsSpec",
    "MaintenanceSpec",
    "CollectstaticSpec",
    "ServiceSpec",
    "AlbSpec",
    "IngressTls",
    "IngressSpec",
    "NetworkPolicySpec",
    "GROUP",
    "VERSION",
    "KIND",
    "PLURAL",
    "SINGULAR",
    "SHORT_NAMES",
    "API_VERSION",
    "MAX_NAME_LENGTH",
    "DEFAULT_IMAGE",
    "PanelAppSpec",
    "Phase",
    "PHASES",
    "CONDITION_TYPES",
    "StatusModel",
    "Condition",
    "ComponentStatus",
    "ComponentsStatus",
    "UpgradeStatus",
    "BackupRecord",
    "PanelAppStatus",
]
