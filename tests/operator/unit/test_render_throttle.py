"""API throttle rates (security review F8) are rendered from spec.web.apiThrottle."""

from __future__ import annotations

import pytest

from panelapp_operator import validation
from panelapp_operator.render import env
from tests.operator import samples


def data_of(**web) -> dict[str, str]:
    return env.config_map_data(validation.parse_spec(samples.minimal_spec(web=web)))


def test_rates_are_rendered_only_when_set():
    assert "API_THROTTLE_ANON_RATE" not in data_of()
    data = data_of(apiThrottle={"anonymousRate": "300/minute", "tokenRate": "off"})
    assert (data["API_THROTTLE_ANON_RATE"], data["API_THROTTLE_TOKEN_RATE"]) == ("300/minute", "off")
    assert "API_THROTTLE_TOKEN_RATE" not in data_of(apiThrottle={"anonymousRate": "10/second"})


@pytest.mark.parametrize("rate", ["lots", "10/fortnight", "-1/minute"])
def test_a_malformed_rate_is_refused(rate):
    with pytest.raises(validation.InvalidSpec) as caught:
        data_of(apiThrottle={"anonymousRate": rate})
    assert "anonymousRate" in str(caught.value)
