"""The ALB token checks (security review F2): the operator renders what the app checks the token
against, from the Cognito fields, and refuses Cognito without a user pool."""

from __future__ import annotations

import pytest

from panelapp_operator import validation
from panelapp_operator.render import env
from tests.operator import samples

POOL = "arn:aws:cognito-idp:eu-west-2:123456789012:userpool/eu-west-2_Pool1"
ALB = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/k8s-panelapp/0123456789abcdef"
COGNITO = {"enabled": True, "domainPrefix": "panelapp", "userPoolClientID": "client123", "userPoolARN": POOL}


def data_of(cognito: dict) -> dict[str, str]:
    spec = validation.parse_spec(samples.minimal_spec(cognito=cognito))
    return env.config_map_data(spec)


def test_the_user_pool_and_every_alb_of_its_account_in_the_region_by_default():
    data = data_of(COGNITO)
    assert data["AWS_COGNITO_USER_POOL_ID"] == "eu-west-2_Pool1"
    region = samples.minimal_spec()["aws"]["region"]
    assert data["AWS_ALB_ARNS"] == f"arn:aws:elasticloadbalancing:{region}:123456789012:loadbalancer/app/*"


def test_explicit_load_balancers_win():
    data = data_of({**COGNITO, "albARNs": [ALB, ALB.replace("k8s-panelapp", "other")]})
    assert data["AWS_ALB_ARNS"] == f"{ALB};{ALB.replace('k8s-panelapp', 'other')}"


def test_nothing_is_rendered_without_cognito():
    data = data_of({"enabled": False})
    assert "AWS_ALB_ARNS" not in data and "AWS_COGNITO_USER_POOL_ID" not in data


@pytest.mark.parametrize(
    "cognito,field",
    [
        ({**COGNITO, "userPoolARN": None}, "userPoolARN"),
        ({**COGNITO, "albARNs": ["*"]}, "albARNs"),
        ({**COGNITO, "albARNs": ["arn:aws:elasticloadbalancing:*"]}, "albARNs"),
    ],
)
def test_cognito_without_a_user_pool_or_with_a_loose_alb_is_refused(cognito, field):
    cognito = {k: v for k, v in cognito.items() if v is not None}
    with pytest.raises(validation.InvalidSpec) as caught:
        validation.parse_spec(samples.minimal_spec(cognito=cognito))
    assert field in str(caught.value)
