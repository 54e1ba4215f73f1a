"""What the pure renderers need to know: the spec plus a few facts the operator observed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from panelapp_operator import names
from panelapp_operator import spec as api


@dataclass(frozen=True)
class RenderInput:
    """Input of every renderer.

    `workload_image` is the image web, worker and beat should run *now*: the spec's image once its
    migration and collectstatic succeeded, the previous image while they have not, and None before
    the very first migration (then no Deployment is rendered). `uid` is the PanelApp's uid for owner
    references; it is None when rendering without a cluster (`render FILE`). `new_deployments`:
    components whose Deployment does not exist yet; under an autoscaler they are created at
    minReplicas (left unset, the Deployment would start at one and wait for the autoscaler).
    `component_images`: components that run an image of their own now instead of workload_image.
    `quiesce`: a maintenance upgrade stops worker and beat (zero replicas, no worker autoscaler).
    `config_hash` and `config_data` come from one config.Configuration; `config_data` is None only
    where no ConfigMap is rendered (a task's Job imports its PanelApp's ConfigMap as it stands).
    """

    name: str
    namespace: str
    spec: api.PanelAppSpec
    config_hash: str
    workload_image: str | None
    uid: str | None = None
    new_deployments: frozenset[str] = frozenset()
    component_images: Mapping[str, str] = field(default_factory=dict)
    quiesce: bool = False
    config_data: Mapping[str, str] | None = None

    def image_of(self, component: str) -> str:
        """What a workload component runs now. Only asked once there is a workload image: before the
        first migration no Deployment is rendered."""
        if self.workload_image is None:
            raise ValueError(f"no image for {component} before the first migration")
        return self.component_images.get(component, self.workload_image)

    @property
    def names(self) -> names.ChildNames:
        return names.ChildNames(self.name)

    @property
    def service_account_name(self) -> str:
        return self.spec.service_account.name or self.name

    def metadata(self, name: str, component: str | None = None) -> dict[str, Any]:
        return child_metadata(self.name, self.namespace, self.uid, name, component)


def child_metadata(
    instance: str, namespace: str, uid: str | None, name: str, component: str | None = None
) -> dict[str, Any]:
    """Name, labels and (with a uid) the controller reference of a child of the PanelApp `instance`."""
    labels = names.component_labels(instance, component) if component else names.instance_labels(instance)
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "labels": labels}
    if uid:
        meta["ownerReferences"] = [
            {
                "apiVersion": api.API_VERSION,
                "kind": api.KIND,
                "name": instance,
                "uid": uid,
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    return meta
