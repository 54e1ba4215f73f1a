"""What the Dockerfiles promise, read from the files themselves: multi-stage builds on one pinned
slim Python base, dependencies from uv.lock with the project's uv version, and final stages that
run as a fixed non-root user. (test_image_install.py and test_image_buildah.py build and run them.)"""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from tests.packaging.dockerfile import parse
from tests.packaging.tools import CHART, REPO

PINNED_SLIM_PYTHON = re.compile(r"^python:3\.11\.\d+-slim-[a-z]+$")  # a full version, never a moving tag
USERS = {"Dockerfile.app": "1000:1000", "Dockerfile.operator": "10001:10001"}


@pytest.mark.parametrize("name", sorted(USERS))
def test_multi_stage_on_one_pinned_slim_python(name):
    dockerfile = parse(REPO / name)
    assert len(dockerfile.stages) >= 2 and dockerfile.stages[0].name == "builder"
    bases = {stage.base for stage in dockerfile.stages}
    assert len(bases) == 1, f"every stage should start from the same base: {bases}"
    assert PINNED_SLIM_PYTHON.match(bases.pop())


@pytest.mark.parametrize("name", sorted(USERS))
def test_dependencies_come_from_the_lock(name):
    builder = parse(REPO / name).stage("builder")
    runs = [run.arguments for run in builder.all("RUN")]
    syncs = [run for run in runs if run.startswith("uv sync")]
    assert syncs and all("--frozen" in run for run in syncs), runs
    setup = (REPO / "hack" / "setup.sh").read_text()
    [project_uv] = re.findall(r"^UV_VERSION=(\S+)$", setup, re.MULTILINE)
    envs = " ".join(env.arguments for env in builder.all("ENV"))
    assert f"UV_VERSION={project_uv}" in envs, "install the uv version hack/setup.sh pins"


@pytest.mark.parametrize("name", sorted(USERS))
def test_the_final_stage_runs_as_its_own_non_root_user(name):
    final = parse(REPO / name).final
    assert final.last("USER").arguments == USERS[name]
    uid = USERS[name].split(":")[0]
    [create] = [run.arguments for run in final.all("RUN")]
    assert f"--uid {uid}" in create and f"--gid {uid}" in create


def test_the_app_image_contract():
    final = parse(REPO / "Dockerfile.app").final
    env = " ".join(instruction.arguments for instruction in final.all("ENV"))
    assert "DJANGO_SETTINGS_MODULE=panelapp.settings.docker-aws" in env
    assert final.last("EXPOSE").arguments == "8080"


def test_the_chart_runs_the_operator_image_as_its_user():
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert f"{values['runAsUser']}:{values['runAsGroup']}" == USERS["Dockerfile.operator"]


def test_the_chart_version_follows_the_project():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["appVersion"] == project, "Chart.yaml appVersion must be the project's version (pyproject.toml)"
