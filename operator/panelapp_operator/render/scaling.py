"""HorizontalPodAutoscalers and PodDisruptionBudgets of web and worker (never beat: a singleton)."""

from __future__ import annotations

from typing import Any

from panelapp_operator import names
from panelapp_operator import spec as api
from panelapp_operator.render.context import RenderInput


def render_autoscaler(inp: RenderInput, component: str, autoscaling: api.AutoscalingSpec) -> dict[str, Any]:
    metrics = [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": autoscaling.target_cpu_utilization_percentage},
            },
        },
    ]
    if autoscaling.target_memory_utilization_percentage is not None:
        metrics.append(
            {
                "type": "Resource",
                "resource": {
                    "name": "memory",
                    "target": {
                        "type": "Utilization",
                        "averageUtilization": autoscaling.target_memory_utilization_percentage,
                    },
                },
            }
        )
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": inp.metadata(inp.names.autoscaler(component), component),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": inp.names.deployment(component)},
            "minReplicas": autoscaling.min_replicas,
            "maxReplicas": autoscaling.max_replicas,
            "metrics": metrics,
        },
    }


def render_disruption_budget(inp: RenderInput, component: str, budget: api.DisruptionBudgetSpec) -> dict[str, Any]:
    spec: dict[str, Any] = {"selector": {"matchLabels": names.selector_labels(inp.name, component)}}
    if budget.min_available is not None:
        spec["minAvailable"] = budget.min_available
    else:
        spec["maxUnavailable"] = budget.max_unavailable if budget.max_unavailable is not None else 1
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": inp.metadata(inp.names.disruption_budget(component), component),
        "spec": spec,
    }


def trigger_authentication_name(inp: RenderInput) -> str:
    """The TriggerAuthentication the scaler uses: the spec's own, or the one the operator renders."""
    queue = inp.spec.worker.autoscaling.queue
    return queue.authentication.trigger_authentication_name or inp.names.trigger_authentication


def render_scaled_object(inp: RenderInput) -> dict[str, Any]:
    """A KEDA ScaledObject (keda.sh/v1alpha1) scaling the worker Deployment on the SQS queue's depth
    (the aws-sqs-queue scaler: messages waiting plus in flight, per worker)."""
    queue = inp.spec.worker.autoscaling.queue
    url = inp.spec.queue.url
    if url is None:  # a rule of the spec; rendering never guesses an account
        raise ValueError("worker.autoscaling.queue needs queue.url")
    metadata = {
        "queueURL": url,
        "queueLength": str(queue.messages_per_worker),
        "activationQueueLength": str(queue.activation_messages),
        "awsRegion": inp.spec.aws.region,
    }
    if queue.aws_endpoint is not None:
        metadata["awsEndpoint"] = queue.aws_endpoint
    return {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": inp.metadata(inp.names.scaled_object, names.COMPONENT_WORKER),
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": inp.names.deployment(names.COMPONENT_WORKER),
            },
            "pollingInterval": queue.polling_interval,
            "cooldownPeriod": queue.cooldown_period,
            "minReplicaCount": queue.min_replicas,
            "maxReplicaCount": queue.max_replicas,
            "triggers": [
                {
                    "type": "aws-sqs-queue",
                    "authenticationRef": {"name": trigger_authentication_name(inp)},
                    "metadata": metadata,
                }
            ],
        },
    }


def render_trigger_authentication(inp: RenderInput) -> dict[str, Any]:
    """Pod identity for the scaler (IRSA): KEDA assumes the role of the worker's own ServiceAccount
    (identityOwner workload), so no AWS key is ever needed."""
    return {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "TriggerAuthentication",
        "metadata": inp.metadata(inp.names.trigger_authentication, names.COMPONENT_WORKER),
        "spec": {"podIdentity": {"provider": "aws", "identityOwner": "workload"}},
    }
