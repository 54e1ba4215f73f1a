"""Rendering a spec dict the way the operator does, for the render tests."""

from __future__ import annotations

from typing import Any

from panelapp_operator import validation
from panelapp_operator.render import RenderInput, render_children
from panelapp_operator.render.config import configuration
from tests.operator import samples


def render_input(
    spec: dict[str, Any] | None = None,
    *,
    workload_image: str | None = samples.IMAGE,
    uid: str | None = "0a1b2c3d-uid",
    name: str = "panelapp",
    new_deployments: frozenset[str] = frozenset(),
    quiesce: bool = False,
    read_only: bool = False,
) -> RenderInput:
    parsed = validation.parse_spec(spec if spec is not None else samples.minimal_spec())
    config = configuration(parsed, {}, read_only=read_only)
    return RenderInput(
        name=name,
        namespace="ns",
        spec=parsed,
        config_hash=config.hash,
        config_data=config.data,
        workload_image=workload_image,
        uid=uid,
        new_deployments=new_deployments,
        quiesce=quiesce,
    )


def children(spec: dict[str, Any] | None = None, **kwargs: Any) -> dict[tuple[str, str], dict[str, Any]]:
    inp = render_input(spec, **kwargs)
    return {(obj["kind"], obj["metadata"]["name"]): obj for obj in render_children(inp).objects}


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    return deployment["spec"]["template"]["spec"]["containers"][0]


def env_of(deployment_or_job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {var["name"]: var for var in container(deployment_or_job)["env"]}
