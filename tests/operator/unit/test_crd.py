"""The CRD is generated from the spec models, teaches every field, and is checked in up to date."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

from panelapp_operator import crd
from panelapp_operator import spec as api
from tests.operator.samples import REPO

CRD_PATH = REPO / "crds" / crd.CRD_FILE_NAME


def _walk(schema, path="spec"):
    yield path, schema
    for name, sub in (schema.get("properties") or {}).items():
        yield from _walk(sub, f"{path}.{name}")
    if "items" in schema:
        yield from _walk(schema["items"], f"{path}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _walk(schema["additionalProperties"], f"{path}{{}}")


def test_checked_in_crd_is_not_stale():
    assert CRD_PATH.read_text() == crd.render_crd_yaml(), (
        f"{CRD_PATH.relative_to(REPO)} is stale: run `python -m panelapp_operator crd > {CRD_PATH.relative_to(REPO)}`"
    )


def test_cli_prints_the_same_crd():
    printed = subprocess.run(
        [sys.executable, "-m", "panelapp_operator", "crd"], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    assert printed == CRD_PATH.read_text()


def test_names_scope_subresource_and_printer_columns():
    definition = crd.build_crd()
    assert definition["metadata"]["name"] == "panelapps.panelapp.org"
    names = definition["spec"]["names"]
    assert (names["kind"], names["plural"], names["shortNames"]) == ("PanelApp", "panelapps", ["pa"])
    assert definition["spec"]["scope"] == "Namespaced"
    version = definition["spec"]["versions"][0]
    assert version["name"] == "v1alpha1" and version["subresources"] == {"status": {}}
    columns = {c["name"]: c["jsonPath"] for c in version["additionalPrinterColumns"]}
    assert columns == {
        "Phase": ".status.phase",
        "Ready": ".status.ready",
        "Image": ".status.image",
        "Age": ".metadata.creationTimestamp",
    }


def test_every_spec_and_status_field_has_a_description():
    root = crd.build_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    undocumented = [
        path
        for part in ("spec", "status")
        for path, node in _walk(root["properties"][part], part)
        if not path.endswith(("[]", "{}")) and not node.get("description")
    ]
    assert undocumented == []


def test_schema_is_structural():
    """No constructs a structural schema forbids: every node has a type (or is int-or-string or
    preserves unknown fields), and no anyOf/oneOf/$ref survive."""
    root = crd.build_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    text = yaml.safe_dump(root)
    for forbidden in ("$ref", "anyOf", "oneOf", "allOf", "title:", "patternProperties", "default:"):
        assert forbidden not in text
    for path, node in _walk(root["properties"]["spec"]):
        assert (
            "type" in node or node.get("x-kubernetes-int-or-string") or node.get("x-kubernetes-preserve-unknown-fields")
        ), path


def test_every_cross_field_rule_is_in_the_crd_and_names_existing_fields():
    root = crd.build_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    found = []  # a rule can sit at several places (a model used twice, the image tag rule): check each
    for path, node in _walk(root["properties"]["spec"]):
        for rule in node.get("x-kubernetes-validations") or ():
            found.append((rule["rule"], (path, node, rule)))
    expected = [rule.cel for model in _spec_models() for rule in model.__rules__]
    assert sorted(set(expected)) == sorted({cel for cel, _ in found})
    for cel, (path, node, rule) in found:
        # Every field a rule touches exists at that level of the schema.
        for name in re.findall(r"self\.\??([A-Za-z]+)", cel):
            assert name in node["properties"], f"{path}: rule {cel!r} refers to unknown field {name!r}"
        if "fieldPath" in rule:
            first = rule["fieldPath"].lstrip(".").split(".")[0]
            assert first in node["properties"], f"{path}: fieldPath {rule['fieldPath']} does not exist"


def test_defaults_live_in_descriptions_not_in_the_schema():
    root = crd.build_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    queue = root["properties"]["spec"]["properties"]["queue"]["properties"]
    assert "Defaults to 360." in queue["visibilityTimeoutSeconds"]["description"]
    assert queue["visibilityTimeoutSeconds"]["maximum"] == 43200


def test_conditions_are_a_map_keyed_by_type():
    status = crd.status_schema()
    assert status["properties"]["conditions"]["x-kubernetes-list-type"] == "map"
    assert status["properties"]["conditions"]["x-kubernetes-list-map-keys"] == ["type"]
    assert status["properties"]["phase"]["enum"] == list(api.PHASES)


def _spec_models():
    seen, stack = set(), [api.PanelAppSpec]
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model.model_fields.values():
            for candidate in _models_in(field.annotation):
                stack.append(candidate)
    return seen


def _models_in(annotation):
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models_in(arg)


# --- the PanelAppTask CRD -------------------------------------------------------------------

TASK_CRD_PATH = REPO / "crds" / crd.TASK_CRD_FILE_NAME


def test_checked_in_task_crd_is_not_stale_and_the_cli_prints_it():
    assert TASK_CRD_PATH.read_text() == crd.render_crd_yaml("PanelAppTask"), "run `make crd`"
    printed = subprocess.run(
        [sys.executable, "-m", "panelapp_operator", "crd", "--kind", "PanelAppTask"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    assert printed == TASK_CRD_PATH.read_text()


def test_the_task_crd_teaches_every_field_is_structural_and_immutable():
    definition = crd.build_task_crd()
    assert definition["metadata"]["name"] == "panelapptasks.panelapp.org"
    names = definition["spec"]["names"]
    assert (names["kind"], names["shortNames"], definition["spec"]["scope"]) == ("PanelAppTask", ["pat"], "Namespaced")
    root = definition["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    undocumented = [
        path
        for part in ("spec", "status")
        for path, node in _walk(root["properties"][part], part)
        if not path.endswith(("[]", "{}")) and not node.get("description")
    ]
    assert undocumented == []
    text = yaml.safe_dump(root)
    for forbidden in ("$ref", "anyOf", "oneOf", "allOf", "title:", "default:"):
        assert forbidden not in text
    spec_rules = [rule["rule"] for rule in root["properties"]["spec"]["x-kubernetes-validations"]]
    assert "self == oldSelf" in spec_rules
    assert root["properties"]["spec"]["properties"]["command"]["enum"] == [
        "load-genes",
        "create-superuser",
        "reset-stats",
        "check",
        "restore",
        "mirror",
    ]


def test_kubectl_get_panelapp_name_still_means_the_panelapp():
    """kubectl expands a category before a singular name: only PanelApps may be in "panelapp"."""
    assert "panelapp" in crd.build_crd()["spec"]["names"]["categories"]
    assert "panelapp" not in crd.build_task_crd()["spec"]["names"]["categories"]
