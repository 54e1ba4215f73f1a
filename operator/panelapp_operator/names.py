"""Deterministic names, labels and annotations of everything the operator creates.

Names derive only from the PanelApp's name (and, for Jobs, from the image and trigger), so a
restarted operator finds its children again without any memory of its own. The renderers use
them to name what they make; the cache, the controller, the reconcile and the kopf wiring use them
to find it again, which is why they live here and not under render/.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from panelapp_operator import spec as api

FIELD_MANAGER = "panelapp-operator"
MANAGED_BY = "panelapp-operator"
APP_NAME = "panelapp"

LABEL_NAME = "app.kubernetes.io/name"
LABEL_INSTANCE = "app.kubernetes.io/instance"
LABEL_COMPONENT = "app.kubernetes.io/component"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
LABEL_PART_OF = "app.kubernetes.io/part-of"
LABEL_VERSION = "app.kubernetes.io/version"
LABEL_UPGRADE_KEY = f"{api.GROUP}/upgrade-key"

# Hash of the object as the operator last applied it: a changed desired object re-applies even
# when the change only removes fields (which a subset comparison with the live object misses).
ANNOTATION_APPLIED_HASH = f"{api.GROUP}/applied-hash"
# On pod templates: hash of the configuration and of the referenced Secrets' and ConfigMaps'
# resourceVersions; when it changes, the Deployment rolls.
ANNOTATION_CONFIG_HASH = f"{api.GROUP}/config-hash"
ANNOTATION_IMAGE = f"{api.GROUP}/image"
ANNOTATION_TRIGGER = f"{api.GROUP}/trigger"

# Selects every object this operator manages (used as the server-side watch selector).
MANAGED_SELECTOR = f"{LABEL_MANAGED_BY}={MANAGED_BY}"
LABEL_JOB_NAME = "batch.kubernetes.io/job-name"

COMPONENT_WEB = "web"
COMPONENT_WORKER = "worker"
COMPONENT_BEAT = "beat"
COMPONENT_MIGRATE = "migrate"
COMPONENT_COLLECTSTATIC = "collectstatic"
COMPONENT_BACKUP = "backup"
COMPONENT_TASK = "task"  # a PanelAppTask's Job
JOB_COMPONENTS = (COMPONENT_BACKUP, COMPONENT_MIGRATE, COMPONENT_COLLECTSTATIC, COMPONENT_TASK)
# Of all the pods, only those of the upgrade Jobs (backup included) and of PanelAppTask Jobs are
# watched.
JOB_POD_SELECTOR = f"{MANAGED_SELECTOR},{LABEL_COMPONENT} in ({','.join(JOB_COMPONENTS)})"
WORKLOAD_COMPONENTS = (COMPONENT_WEB, COMPONENT_WORKER, COMPONENT_BEAT)

GENERATED_SECRET_KEY_KEY = "secret-key"


@dataclass(frozen=True)
class ChildNames:
    """Names of the children of one PanelApp."""

    instance: str

    @property
    def config_map(self) -> str:
        return f"{self.instance}-config"

    @property
    def generated_secret(self) -> str:
        return f"{self.instance}-secret-key"

    @property
    def service(self) -> str:
        return self.instance

    @property
    def ingress(self) -> str:
        return self.instance

    @property
    def login_ingress(self) -> str:
        return f"{self.instance}-login"

    @property
    def network_policy(self) -> str:
        return self.instance

    @property
    def pod_monitor(self) -> str:
        return self.instance

    @property
    def scaled_object(self) -> str:
        return f"{self.instance}-{COMPONENT_WORKER}"

    @property
    def trigger_authentication(self) -> str:
        return f"{self.instance}-{COMPONENT_WORKER}-queue"

    def deployment(self, component: str) -> str:
        return f"{self.instance}-{component}"

    def autoscaler(self, component: str) -> str:
        return f"{self.instance}-{component}"

    def disruption_budget(self, component: str) -> str:
        return f"{self.instance}-{component}"

    def backup_job(self, key: str) -> str:
        return f"{self.instance}-{COMPONENT_BACKUP}-{key}"

    def migration_job(self, key: str) -> str:
        return f"{self.instance}-{COMPONENT_MIGRATE}-{key}"

    def collectstatic_job(self, key: str) -> str:
        return f"{self.instance}-{COMPONENT_COLLECTSTATIC}-{key}"


def upgrade_key(image: str, trigger: str | None, component_images: Mapping[str, str] | None = None) -> str:
    """Eight hex digits naming the Jobs of one upgrade: the same images and trigger always give the
    same Jobs, so a finished migration is found again instead of being run twice. Components' own
    images are part of the release (a new worker image is an upgrade too); without any, the key is
    what it always was."""
    text = f"{image}\n{trigger or ''}"
    if component_images:
        text += "".join(f"\n{component}={ref}" for component, ref in sorted(component_images.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def instance_labels(instance: str) -> dict[str, str]:
    return {
        LABEL_NAME: APP_NAME,
        LABEL_INSTANCE: instance,
        LABEL_MANAGED_BY: MANAGED_BY,
        LABEL_PART_OF: APP_NAME,
    }


def component_labels(instance: str, component: str) -> dict[str, str]:
    return {**instance_labels(instance), LABEL_COMPONENT: component}


def selector_labels(instance: str, component: str) -> dict[str, str]:
    """Immutable Deployment selectors: only labels that never change for the component."""
    return {LABEL_NAME: APP_NAME, LABEL_INSTANCE: instance, LABEL_COMPONENT: component}


_LABEL_VALUE = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")


def image_version(image: str) -> str | None:
    """The image tag as a label value (app.kubernetes.io/version), if it is one."""
    reference = image.split("@", 1)[0]
    last = reference.rsplit("/", 1)[-1]
    if ":" not in last:
        return None
    tag = last.rsplit(":", 1)[1]
    return tag if _LABEL_VALUE.match(tag) else None
