"""Build the PanelApp CustomResourceDefinition from the pydantic models in spec/.

Pydantic emits JSON Schema; Kubernetes wants a *structural* OpenAPI v3 schema. The conversion:
- inline every $ref (a field's own description wins over the model's docstring);
- `X | None` (anyOf with null) becomes plain X: optional fields are simply not `required`;
- titles, `additionalProperties: false` and JSON-Schema-only keywords are dropped (Kubernetes prunes
  unknown fields itself);
- defaults stay in the operator (pydantic applies them) and are written into the description, so
  a later operator version can improve a default without rewriting stored objects;
- cross-field rules (rules.Rule) arrive as x-kubernetes-validations from the models themselves.

`crds/panelapp.org_panelapps.yaml` and `crds/panelapp.org_panelapptasks.yaml` (the PanelAppTask
kind, from task_spec.py) are this module's output; a unit test fails when either is stale.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from pydantic import BaseModel

from panelapp_operator import spec, task_spec

CRD_NAME = f"{spec.PLURAL}.{spec.GROUP}"
CRD_FILE_NAME = f"{spec.GROUP}_{spec.PLURAL}.yaml"
TASK_CRD_NAME = f"{task_spec.PLURAL}.{spec.GROUP}"
TASK_CRD_FILE_NAME = f"{spec.GROUP}_{task_spec.PLURAL}.yaml"

# Keywords a structural schema may carry; anything else pydantic emits is dropped.
_KEPT_KEYWORDS = {
    "type",
    "description",
    "properties",
    "items",
    "required",
    "enum",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "additionalProperties",
    "nullable",
    "x-kubernetes-validations",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-int-or-string",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
}


def _one_line(text: str) -> str:
    """Docstrings wrap at 100 columns; `kubectl explain` wraps on its own."""
    return " ".join(text.split())


def _describe_default(description: str, default: Any) -> str:
    if default is None or isinstance(default, (dict, list)) or "default" in description.lower():
        return description
    shown = json.dumps(default) if not isinstance(default, str) else default
    return f"{description} Defaults to {shown}."


class _Converter:
    def __init__(self, definitions: dict[str, Any]):
        self.definitions = definitions

    def convert(self, node: dict[str, Any]) -> dict[str, Any]:
        node = self._resolve(node)
        out: dict[str, Any] = {}
        for keyword, value in node.items():
            if keyword == "properties":
                out["properties"] = {name: self.convert(sub) for name, sub in value.items()}
            elif keyword == "items":
                out["items"] = self.convert(value)
            elif keyword == "additionalProperties":
                if isinstance(value, dict):
                    out["additionalProperties"] = self.convert(value)
            elif keyword == "description":
                out["description"] = _one_line(value)
            elif keyword in _KEPT_KEYWORDS:
                out[keyword] = value
        if "default" in node and "description" in out:
            out["description"] = _describe_default(out["description"], node["default"])
        if out.get("x-kubernetes-int-or-string"):
            out.pop("type", None)
        if out.get("type") == "object" and "properties" not in out and "additionalProperties" not in out:
            out.setdefault("x-kubernetes-preserve-unknown-fields", True)
        return out

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow $ref and unwrap Optional, keeping the outer node's own keywords on top."""
        node = dict(node)
        if "$ref" in node:
            target = self._resolve(self.definitions[node.pop("$ref").rsplit("/", 1)[-1]])
            node = {**target, **node}
            if "description" in target and target["description"] not in node["description"]:
                # "PostgreSQL connection." (the field) + what the type itself explains.
                node["description"] = f"{node['description']} {target['description']}"
        if "anyOf" in node:
            variants = [v for v in node.pop("anyOf") if v.get("type") != "null"]
            if len(variants) != 1:
                raise ValueError(f"cannot express a union in a structural schema: {variants}")
            inner = self._resolve(variants[0])
            # The field's description and default (outer) win over the type's (inner), but the
            # type's explanation is kept after the field's.
            outer_description = node.get("description")
            node = {**inner, **node}
            if outer_description and inner.get("description") and inner["description"] not in outer_description:
                node["description"] = f"{outer_description} {inner['description']}"
        if "allOf" in node and len(node["allOf"]) == 1:
            inner = self._resolve(node.pop("allOf")[0])
            node = {**inner, **node}
        return node


def _schema_of(model: type[BaseModel]) -> dict[str, Any]:
    raw = model.model_json_schema(by_alias=True, mode="validation")
    return _Converter(raw.get("$defs", {})).convert(raw)


def spec_schema() -> dict[str, Any]:
    return _schema_of(spec.PanelAppSpec)


def status_schema(model: type[BaseModel] = spec.PanelAppStatus) -> dict[str, Any]:
    schema = _schema_of(model)
    conditions = schema["properties"]["conditions"]
    # Conditions are a map keyed by type, as in every Kubernetes API.
    conditions["x-kubernetes-list-type"] = "map"
    conditions["x-kubernetes-list-map-keys"] = ["type"]
    return schema


def build_crd() -> dict[str, Any]:
    """The complete CRD object."""
    root = {
        "type": "object",
        "description": "A PanelApp installation: web, worker and beat Deployments, migration and collectstatic "
        "Jobs, configuration, Service, Ingress, autoscalers, disruption budgets and network policy, kept in the "
        "state this resource asks for and upgraded safely.",
        "required": ["spec"],
        "properties": {
            "apiVersion": {"type": "string", "description": "Versioned schema of this object."},
            "kind": {"type": "string", "description": "Kind of this object: PanelApp."},
            "metadata": {"type": "object"},
            "spec": spec_schema(),
            "status": status_schema(),
        },
        "x-kubernetes-validations": [
            {
                "rule": f"self.metadata.name.size() <= {spec.MAX_NAME_LENGTH}",
                "message": f"metadata.name must be at most {spec.MAX_NAME_LENGTH} characters, so that the names "
                "of the migration and collectstatic Jobs fit in 63",
            }
        ],
    }
    return _crd(
        CRD_NAME,
        spec.KIND,
        spec.PLURAL,
        spec.SINGULAR,
        spec.SHORT_NAMES,
        root,
        [
            {
                "name": "Phase",
                "type": "string",
                "jsonPath": ".status.phase",
                "description": "Coarse state of the installation.",
            },
            {
                "name": "Ready",
                "type": "string",
                "jsonPath": ".status.ready",
                "description": "Ready pods over desired pods.",
            },
            {
                "name": "Image",
                "type": "string",
                "jsonPath": ".status.image",
                "description": "Image web, worker and beat run.",
            },
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
        ],
    )


def build_task_crd() -> dict[str, Any]:
    """The PanelAppTask CRD: an immutable request to run one allow-listed command."""
    task_spec_schema = _schema_of(task_spec.PanelAppTaskSpec)
    # A task runs once: changing it afterwards would make its status lie about what ran.
    task_spec_schema.setdefault("x-kubernetes-validations", []).append(
        {
            "rule": "self == oldSelf",
            "message": "a task's spec is immutable: create a new PanelAppTask to run a command again",
        }
    )
    root = {
        "type": "object",
        "description": "One admin command (load-genes, create-superuser, reset-stats, check) run once for a "
        "PanelApp as a Job with its image, environment and ServiceAccount; the status mirrors the Job.",
        "required": ["spec"],
        "properties": {
            "apiVersion": {"type": "string", "description": "Versioned schema of this object."},
            "kind": {"type": "string", "description": "Kind of this object: PanelAppTask."},
            "metadata": {"type": "object"},
            "spec": task_spec_schema,
            "status": status_schema(task_spec.PanelAppTaskStatus),
        },
        "x-kubernetes-validations": [
            {
                "rule": f"self.metadata.name.size() <= {task_spec.MAX_NAME_LENGTH}",
                "message": f"metadata.name must be at most {task_spec.MAX_NAME_LENGTH} characters, so that the "
                "name of its Job fits in 63",
            }
        ],
    }
    return _crd(
        TASK_CRD_NAME,
        task_spec.KIND,
        task_spec.PLURAL,
        task_spec.SINGULAR,
        task_spec.SHORT_NAMES,
        root,
        [
            {"name": "PanelApp", "type": "string", "jsonPath": ".spec.panelApp", "description": "The PanelApp."},
            {"name": "Command", "type": "string", "jsonPath": ".spec.command", "description": "The command."},
            {"name": "Phase", "type": "string", "jsonPath": ".status.phase", "description": "What became of it."},
            {"name": "Reason", "type": "string", "jsonPath": ".status.reason", "description": "Why it ended or waits."},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
            # Not in the "panelapp" category: kubectl expands a category before a resource's singular name, so
            # `kubectl get panelapp NAME` would then look for a task of that name too.
        ],
        categories=("all",),
    )


def _crd(
    name: str,
    kind: str,
    plural: str,
    singular: str,
    short_names: tuple[str, ...],
    root: dict[str, Any],
    columns: list[dict[str, str]],
    categories: tuple[str, ...] = ("all", "panelapp"),
) -> dict[str, Any]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": name,
            "labels": {"app.kubernetes.io/name": "panelapp-operator", "app.kubernetes.io/part-of": "panelapp"},
        },
        "spec": {
            "group": spec.GROUP,
            "scope": "Namespaced",
            "names": {
                "kind": kind,
                "listKind": f"{kind}List",
                "plural": plural,
                "singular": singular,
                "shortNames": list(short_names),
                "categories": list(categories),
            },
            "versions": [
                {
                    "name": spec.VERSION,
                    "served": True,
                    "storage": True,
                    "subresources": {"status": {}},
                    "additionalPrinterColumns": columns,
                    "schema": {"openAPIV3Schema": root},
                }
            ],
        },
    }


class _NoAliasDumper(yaml.SafeDumper):
    """Write repeated sub-schemas in full: YAML anchors make a CRD hard to read and to diff."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render_crd_yaml(kind: str = spec.KIND) -> str:
    if kind == task_spec.KIND:
        command, source, crd = "crd --kind PanelAppTask", "task_spec.py", build_task_crd()
    else:
        command, source, crd = "crd", "spec/", build_crd()
    header = (
        f"# Generated by `python -m panelapp_operator {command}` from operator/panelapp_operator/{source}.\n"
        "# Do not edit by hand: change the models and regenerate.\n"
    )
    return header + yaml.dump(crd, Dumper=_NoAliasDumper, sort_keys=False, width=120)
