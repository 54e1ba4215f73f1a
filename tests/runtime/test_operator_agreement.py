"""The operator and the image agree on VALUES, not just names: the environment the operator
renders for the shipped examples passes the image's own start-up validation, and every command it
runs exists. (The operator's tests check the names against runtime.contract.)"""

from pathlib import Path

import pytest
import yaml

from runtime import contract
from runtime.environment import load_production
from runtime.gunicorn_settings import settings_from_environment

REPO = Path(__file__).resolve().parents[2]


def _runs_our_commands(example: Path) -> bool:
    """Examples that run this image's own commands. One that overrides commands runs another
    image (examples/upstream-images.yaml: Genomics England's own), whose contract is not ours; the
    operator tests run our image under its overrides instead."""
    spec = next(d for d in yaml.safe_load_all(example.read_text()) if d and d.get("kind") == "PanelApp")["spec"]
    return not any(
        "command" in (spec.get(part) or {}) for part in ("web", "worker", "beat", "migrations", "collectstatic")
    )


EXAMPLES = sorted(e for e in (REPO / "examples").glob("*.yaml") if _runs_our_commands(e))

#: What the referenced Secrets would hold: well-formed values for each variable.
SECRET_VALUES = {
    "SECRET_KEY": "s" * 50,
    "DJANGO_ADMIN_URL": "ops-admin/",
    "DATABASE_URL": "postgresql://panelapp:pw@db.internal:5432/panelapp",
    "DATABASE_HOST": "db.internal",
    "DATABASE_PORT": "5432",
    "DATABASE_NAME": "panelapp",
    "DATABASE_USER": "panelapp",
    "DATABASE_PASSWORD": "pw",
    "EMAIL_HOST_USER": "smtp-user",
    "EMAIL_HOST_PASSWORD": "smtp-password",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "secret",
    "CELERY_BROKER_URL": "sqs://AKIAEXAMPLE:secret@",
    "HEALTH_CHECK_TOKEN": "token-123456",
}


def rendered_environments(example: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """{workload name: (command, environment as the container would see it)} for an example."""
    from panelapp_operator import spec as api
    from panelapp_operator.render import render_for_review

    [document] = [d for d in yaml.safe_load_all(example.read_text()) if d and d.get("kind") == "PanelApp"]
    manifests = render_for_review(api.PanelAppSpec.model_validate(document["spec"]), "panelapp", "panelapp")
    config_maps = {m["metadata"]["name"]: m.get("data", {}) for m in manifests if m["kind"] == "ConfigMap"}
    found = {}
    for manifest in manifests:
        if manifest["kind"] not in ("Deployment", "Job"):
            continue
        [container] = [c for c in manifest["spec"]["template"]["spec"]["containers"] if c.get("command")]
        environ: dict[str, str] = {}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                environ.update(config_maps.get(source["configMapRef"]["name"], {}))
        for variable in container.get("env", []):
            if "value" in variable:
                environ[variable["name"]] = variable["value"]
            elif "secretKeyRef" in variable.get("valueFrom", {}):
                environ[variable["name"]] = SECRET_VALUES[variable["name"]]
        found[manifest["metadata"]["name"]] = (container["command"], environ)
    return found


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_rendered_environments_pass_the_image_validation(example):
    workloads = rendered_environments(example)
    assert workloads, "the example renders workloads"
    for name, (command, environ) in workloads.items():
        assert contract.command(command[0]), name
        environ.setdefault("DJANGO_SETTINGS_MODULE", contract.PRODUCTION_SETTINGS_MODULE)
        load_production(environ)  # raises ConfigurationError naming every problem
        settings_from_environment(environ)


#: Secret variables of the contract that name where to connect or who connects, not a credential:
#: they may come from a Secret but are not refused as plain values.
CONNECTION_FACTS = {
    "DATABASE_HOST",
    "DATABASE_PORT",
    "DATABASE_NAME",
    "DATABASE_USER",
    "EMAIL_HOST_USER",
    "AWS_ACCESS_KEY_ID",
}


def test_every_credential_of_the_contract_is_refused_as_a_plain_value_by_the_operator():
    """A credential added to the image's contract must reach pods only through a Secret: the
    operator's schema refuses it as a plain spec.env value."""
    from panelapp_operator.spec import SECRET_ENV_NAMES

    credentials = {variable.name for variable in contract.VARIABLES if variable.secret} - CONNECTION_FACTS
    assert credentials <= set(SECRET_ENV_NAMES), sorted(credentials - set(SECRET_ENV_NAMES))
