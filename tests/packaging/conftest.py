"""Fixtures of the packaging tests that use the local control plane."""

from __future__ import annotations

import uuid

import pytest

from tests.packaging.tools import CHART, CRD_NAME, checked


@pytest.fixture
def fresh_namespaces(cluster):
    """make(count) creates namespaces (deleted after the test), e.g. the ones a release watches."""
    made: list[str] = []

    def make(count: int) -> list[str]:
        names = [f"t-{uuid.uuid4().hex[:10]}" for _ in range(count)]
        for name in names:
            checked(cluster.kubectl("create", "namespace", name, check=False), f"create namespace {name}")
        made.extend(names)
        return names

    yield make
    for name in made:
        cluster.kubectl("delete", "namespace", name, "--wait=false", check=False)


@pytest.fixture(scope="module")
def crd(cluster) -> str:
    """The chart's CRD, installed (server-side apply is idempotent if another test did it first)."""
    crd_file = CHART / "crds" / "panelapp.org_panelapps.yaml"
    checked(
        cluster.kubectl("apply", "--server-side", "--force-conflicts", "-f", str(crd_file), check=False),
        "apply the CRD",
    )
    cluster.wait_for_crd(CRD_NAME)
    return CRD_NAME
