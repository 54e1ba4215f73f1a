"""The two images built for real from their Dockerfiles by buildah (no Docker engine; see
tests/packaging/buildah.py for the Debian stand-in of the python:slim base), then run: the
operator image prints its CRD as uid 10001, the app image serves /version/ as uid 1000 with the
production settings, and neither final image holds a compiler."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.fixtures.services import free_port, wait_until
from tests.packaging.app_env import production_env
from tests.packaging.buildah import Buildah
from tests.packaging.tools import REPO

DOCKERFILES = [REPO / "Dockerfile.operator", REPO / "Dockerfile.app"]
OPERATOR_IMAGE = "localhost/panelapp-operator:test"
APP_IMAGE = "localhost/panelapp:test"
NO_COMPILER = "! command -v gcc && ! command -v cc && ! command -v clang && ! command -v make"


@pytest.fixture(scope="module")
def buildah(tmp_path_factory):
    builder = Buildah(tmp_path_factory.mktemp("buildah"))
    try:
        builder.make_base(DOCKERFILES)
        builder.build(REPO / "Dockerfile.operator", OPERATOR_IMAGE)
        builder.build(REPO / "Dockerfile.app", APP_IMAGE)
        yield builder
    finally:
        builder.clean()


@pytest.fixture(scope="module")
def operator_container(buildah) -> str:
    return buildah.container(OPERATOR_IMAGE)


@pytest.fixture(scope="module")
def app_container(buildah) -> str:
    return buildah.container(APP_IMAGE)


def test_the_operator_image_runs_its_cli_as_a_high_uid(buildah, operator_container):
    config = buildah.config(OPERATOR_IMAGE)
    assert config["User"] == "10001:10001"
    assert config["Entrypoint"] == ["panelapp-operator"] and config["Cmd"] == ["run"]
    assert buildah.run(operator_container, ["id", "-u"]).stdout.strip() == "10001"
    printed = buildah.run(operator_container, ["panelapp-operator", "crd"])
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == (REPO / "crds" / "panelapp.org_panelapps.yaml").read_text()


def test_the_app_image_serves_version_as_uid_1000(buildah, app_container, tmp_path):
    config = buildah.config(APP_IMAGE)
    assert config["User"] == "1000:1000"
    assert "DJANGO_SETTINGS_MODULE=panelapp.settings.docker-aws" in config["Env"]
    assert "8080/tcp" in config["ExposedPorts"]
    assert config["Cmd"] == ["panelapp-web"]
    assert buildah.run(app_container, ["id", "-u"]).stdout.strip() == "1000"
    port = free_port()
    env = {**production_env(), "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
    web = buildah.start(app_container, ["panelapp-web"], env, tmp_path / "web.log")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/version/", headers={"Host": "panelapp.example.org"})

    def answers():
        assert web.popen.poll() is None, (tmp_path / "web.log").read_text()[-4000:]
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            return None

    try:
        body = wait_until(answers, 90, "panelapp-web in the buildah-built image to answer /version/", interval=0.3)
    finally:
        web.stop()
    assert body["version"]


def test_no_compiler_in_the_final_images(buildah, operator_container, app_container):
    for container in (operator_container, app_container):
        checked = buildah.run(container, ["sh", "-c", NO_COMPILER])
        assert checked.returncode == 0, f"a compiler is in {container}: {checked.stdout}"
