"""The spec models: examples are valid, every bad input is refused with a message naming the field."""

from __future__ import annotations

import pytest

from panelapp_operator import spec as api
from panelapp_operator import validation
from tests.operator import samples


def test_minimal_spec_gets_the_documented_defaults():
    spec = validation.parse_spec(samples.minimal_spec())
    assert spec.queue.name == "panelapp"
    assert spec.queue.visibility_timeout_seconds == 360
    assert spec.storage.static_location == "static" and spec.storage.media_location == "media"
    assert spec.web.replicas == 2 and spec.worker.replicas == 1 and spec.beat.enabled
    assert spec.migrations.backoff_limit == 0
    assert spec.service_account.create


@pytest.mark.parametrize("example", ["minimal.yaml", "production.yaml", "upgrades-and-queue-workers.yaml"])
def test_examples_are_valid(example):
    spec = validation.parse_spec(samples.example_panelapp(example)["spec"])
    assert spec.image == samples.IMAGE


@pytest.mark.parametrize("case, changes, field, words", samples.BAD_INPUTS, ids=[c[0] for c in samples.BAD_INPUTS])
def test_bad_input_is_refused_naming_the_field(case, changes, field, words):
    with pytest.raises(validation.InvalidSpec) as refused:
        validation.parse_spec(samples.bad_spec(changes))
    message = str(refused.value)
    assert f"{field}:" in message, message
    assert words in message


def test_pattern_errors_explain_what_is_expected():
    with pytest.raises(validation.InvalidSpec) as refused:
        validation.parse_spec(samples.bad_spec({"aws.region": "europe-west"}))
    assert "is not an AWS region such as eu-west-2" in str(refused.value)


def test_unknown_fields_are_refused():
    with pytest.raises(validation.InvalidSpec, match=r"spec\.databse: unknown field"):
        validation.parse_spec({**samples.minimal_spec(), "databse": {}})


def test_every_error_is_reported_not_just_the_first():
    spec = samples.bad_spec({"allowedHosts": [], "aws.region": "x"})
    with pytest.raises(validation.InvalidSpec) as refused:
        validation.parse_spec(spec)
    assert "spec.allowedHosts" in str(refused.value) and "spec.aws.region" in str(refused.value)


def test_long_names_are_refused():
    validation.check_name("a" * api.MAX_NAME_LENGTH)
    with pytest.raises(validation.InvalidSpec, match="metadata.name"):
        validation.check_name("a" * (api.MAX_NAME_LENGTH + 1))


@pytest.mark.parametrize(
    "image",
    [
        "panelapp:1.0",
        "registry.example.org:5000/genomics/panelapp:2026.11.1",
        "ghcr.io/panelapp-operator/panelapp@sha256:" + "a" * 64,
        "ghcr.io/panelapp-operator/panelapp:0.1.0@sha256:" + "b" * 64,
    ],
)
def test_images_with_a_tag_or_digest_are_accepted(image):
    assert validation.parse_spec(samples.minimal_spec(image=image)).image == image


@pytest.mark.parametrize("image", ["registry.example.org:5000/panelapp", "Panelapp:1", "panel app:1"])
def test_images_without_tag_or_malformed_are_refused(image):
    with pytest.raises(validation.InvalidSpec, match=r"spec\.image"):
        validation.parse_spec(samples.minimal_spec(image=image))


def test_database_parts_may_come_from_secrets():
    spec = validation.parse_spec(
        samples.minimal_spec(
            database={
                "hostSecretRef": {"name": "rds", "key": "host"},
                "portSecretRef": {"name": "rds", "key": "port"},
                "nameSecretRef": {"name": "rds", "key": "dbname"},
                "userSecretRef": {"name": "rds", "key": "username"},
                "passwordSecretRef": {"name": "rds", "key": "password"},
            }
        )
    )
    assert spec.database.host is None


def test_cognito_with_ingress_needs_an_https_alb():
    spec = samples.minimal_spec(
        cognito={
            "enabled": True,
            "domainPrefix": "pa",
            "userPoolClientID": "abc",
            "userPoolARN": "arn:aws:cognito-idp:eu-west-2:1:userpool/x",
        },
        ingress={"enabled": True, "alb": {}},
    )
    with pytest.raises(validation.InvalidSpec, match=r"spec\.ingress\.alb: .*certificateARN"):
        validation.parse_spec(spec)
    spec["ingress"]["alb"]["certificateARN"] = "arn:aws:acm:eu-west-2:1:certificate/x"
    validation.parse_spec(spec)


def test_ingress_host_is_needed_when_the_first_allowed_host_is_a_wildcard():
    spec = samples.minimal_spec(allowedHosts=[".example.org"], ingress={"enabled": True})
    with pytest.raises(validation.InvalidSpec, match=r"spec\.ingress\.host"):
        validation.parse_spec(spec)
    spec["ingress"]["host"] = "panelapp.example.org"
    validation.parse_spec(spec)


def test_gunicorn_extra_cannot_rebind_the_port():
    spec = samples.minimal_spec(web={"gunicorn": {"extra": {"bind": "0.0.0.0:9000"}}})
    with pytest.raises(validation.InvalidSpec, match=r"spec\.web\.gunicorn\.extra: .*bind"):
        validation.parse_spec(spec)
