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
