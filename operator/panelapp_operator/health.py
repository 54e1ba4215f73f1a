"""Reading the health of the workloads: Deployment replica counts and why pods fail."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from panelapp_operator import names
from panelapp_operator import spec as api

# Container waiting reasons that mean "this pod will not become ready by itself". ErrImageNeverPull
# is the kubelet's answer for pull policy Never and an image the node does not have.
FAILING_WAITING_REASONS = frozenset(
    {
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ErrImagePull",
        "ErrImageNeverPull",
        "InvalidImageName",
        "CreateContainerConfigError",
        "CreateContainerError",
        "RunContainerError",
    }
)
MAX_REPORTED_FAILURES = 3


def component_status(deployment: Mapping[str, Any], pod_failures: list[str] | None = None) -> api.ComponentStatus:
    spec = deployment.get("spec") or {}
    status = deployment.get("status") or {}
    metadata = deployment.get("metadata") or {}
    desired = spec.get("replicas", 1)
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or [{}]
    updated = status.get("updatedReplicas", 0)
    available = status.get("availableReplicas", 0)
    # Ready means the rollout is finished: the controller saw our last change, every pod runs the
    # current template and is available, and no pod of an older template is left.
    ready = (
        status.get("observedGeneration", 0) >= metadata.get("generation", 0)
        and updated == desired
        and available == desired
        and status.get("replicas", 0) == desired
    )
    return api.ComponentStatus(
        replicas=desired,
        ready_replicas=status.get("readyReplicas", 0),
        updated_replicas=updated,
        available_replicas=available,
        image=containers[0].get("image"),
        ready=ready,
        pod_failures=pod_failures or None,
    )


def pod_failures(pods: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Failing pods per component, e.g. {"web": ["panelapp-web-7d9-x2: CrashLoopBackOff: ..."]}."""
    found: dict[str, list[str]] = {}
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        if (pod.get("metadata") or {}).get("deletionTimestamp"):
            continue
        component = ((pod.get("metadata") or {}).get("labels") or {}).get(names.LABEL_COMPONENT)
        reason = _pod_failure(pod)
        if component and reason:
            bucket = found.setdefault(component, [])
            if len(bucket) < MAX_REPORTED_FAILURES:
                bucket.append(f"{pod['metadata']['name']}: {reason}")
    return found


def _pod_failure(pod: Mapping[str, Any]) -> str | None:
    status = pod.get("status") or {}
    for container in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        state = container.get("state") or {}
        waiting = state.get("waiting") or {}
        if waiting.get("reason") in FAILING_WAITING_REASONS:
            return _with_message(waiting["reason"], waiting.get("message"))
        terminated = state.get("terminated") or {}
        if terminated and terminated.get("exitCode", 0) != 0 and status.get("phase") == "Failed":
            return _terminated(container.get("name", "?"), terminated)
    for condition in status.get("conditions") or ():
        if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
            return _with_message(condition.get("reason") or "Unschedulable", condition.get("message"))
    return None


def job_pod_failure(pods: Iterable[Mapping[str, Any]]) -> str | None:
    """Why the pods of a failed Job ended, e.g. "pod x: container migrate exited with code 1 (Error)"."""
    for pod in sorted(pods, key=lambda p: (p.get("metadata") or {}).get("creationTimestamp") or "", reverse=True):
        status = pod.get("status") or {}
        for container in status.get("containerStatuses") or ():
            state = container.get("state") or {}
            if state.get("terminated") and state["terminated"].get("exitCode", 0) != 0:
                return f"pod {pod['metadata']['name']}: {_terminated(container.get('name', '?'), state['terminated'])}"
            waiting = state.get("waiting") or {}
            if waiting.get("reason") in FAILING_WAITING_REASONS:
                return f"pod {pod['metadata']['name']}: {_with_message(waiting['reason'], waiting.get('message'))}"
    return None


def backup_record(pod: Mapping[str, Any], key: str, job: str, image: str) -> api.BackupRecord:
    """A succeeded backup pod's record. panelapp-backup writes {"objectKey", "sizeBytes",
    "durationSeconds"} as its termination message; anything else (a stand-in node writes none) is
    recorded without those facts."""
    import json

    facts: dict[str, Any] = {}
    finished = None
    for container in (pod.get("status") or {}).get("containerStatuses") or ():
        terminated = (container.get("state") or {}).get("terminated") or {}
        finished = terminated.get("finishedAt") or finished
        try:
            message = json.loads(terminated.get("message") or "{}")
        except ValueError:
            message = {}
        if isinstance(message, dict):
            facts = {name: message.get(name) for name in ("objectKey", "sizeBytes", "durationSeconds")}
    try:
        return api.BackupRecord(
            upgrade_key=key,
            job=job,
            image=image,
            finished_at=finished,
            object_key=facts.get("objectKey"),
            size_bytes=facts.get("sizeBytes"),
            duration_seconds=facts.get("durationSeconds"),
        )
    except ValueError:
        return api.BackupRecord(upgrade_key=key, job=job, image=image, finished_at=finished)


def _terminated(container: str, terminated: Mapping[str, Any]) -> str:
    reason = terminated.get("reason") or "Error"
    text = f"container {container} exited with code {terminated.get('exitCode')} ({reason})"
    return _with_message(text, terminated.get("message"))


def _with_message(reason: str, message: str | None) -> str:
    if not message:
        return reason
    message = " ".join(str(message).split())
    return f"{reason}: {message[:200]}"
