"""The pods' non-secret configuration: the ConfigMap every PanelApp container imports whole, and
the hash of everything their environment depends on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from panelapp_operator import spec as api
from panelapp_operator.render import env, hashing
from panelapp_operator.render.context import RenderInput


@dataclass(frozen=True)
class Configuration:
    """The ConfigMap's data and the hash stamped on the pod templates (which also covers the
    referenced Secrets' and ConfigMaps' versions and spec.forceReload). Built together, once, so the
    ConfigMap and the pods' hash always describe the same configuration."""

    data: Mapping[str, str]
    hash: str


def configuration(
    spec: api.PanelAppSpec, reference_versions: Mapping[str, str], *, read_only: bool = False
) -> Configuration:
    """`read_only`: web answers writes with 503 (a maintenance upgrade; spec.maintenance is always
    honoured)."""
    data = env.config_map_data(spec, read_only=read_only)
    return Configuration(data, hashing.config_hash(data, reference_versions, spec.force_reload))


def render_config_map(inp: RenderInput) -> dict[str, Any]:
    if inp.config_data is None:
        raise ValueError("the ConfigMap is rendered only from the data its configuration hash was computed from")
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": inp.metadata(inp.names.config_map),
        "data": dict(sorted(inp.config_data.items())),
    }
