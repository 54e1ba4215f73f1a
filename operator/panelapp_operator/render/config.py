"""The ConfigMap of non-secret configuration, imported whole by every PanelApp container."""

from __future__ import annotations

from typing import Any

from panelapp_operator.render.context import RenderInput


def render_config_map(inp: RenderInput, data: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": inp.metadata(inp.names.config_map),
        "data": dict(sorted(data.items())),
    }
