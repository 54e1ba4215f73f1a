"""The scanners security reviewers run, with no failing findings: hadolint and checkov on both
Dockerfiles; checkov on the chart (its helm runner) and on the chart rendered in both RBAC modes;
kube-score (in place of kube-linter, which cannot be installed here: see docs/install.md) on the
rendered chart; checkov and kube-score on the manifests the operator renders for a production-style
PanelApp. Deliberate exceptions are made in place with their reason, or listed with it in
scanners/exceptions.yaml; an exception that no longer matches a finding fails too."""

from __future__ import annotations

import re
import sys

import pytest
import yaml

from tests.packaging import chart_values as values
from tests.packaging.scanning import Finding, checkov, exceptions, hadolint, kube_score, unexcused
from tests.packaging.tools import CHART, REPO, helm_template, offline_helm_env, run

DOCKERFILES = [REPO / "Dockerfile.app", REPO / "Dockerfile.operator"]


@pytest.fixture(scope="module")
def helm_env(tmp_path_factory):
    return offline_helm_env(tmp_path_factory.mktemp("helm"))


@pytest.fixture(scope="module")
def manifests(tmp_path_factory, helm_env) -> dict:
    """The chart rendered in both RBAC modes (every option on in the second), and what the operator
    renders for tests/packaging/data/panelapp-full.yaml."""
    folder = tmp_path_factory.mktemp("manifests")
    files = {
        "chart-cluster": helm_template(helm_env),
        "chart-namespaces": helm_template(
            helm_env, *values.everything("team-a", "team-b", panelapp_namespace="team-a")
        ),
    }
    rendered = run(
        [
            sys.executable,
            "-m",
            "panelapp_operator",
            "render",
            values.DATA / "panelapp-full.yaml",
            "--namespace",
            "panelapp",
        ]
    )
    assert rendered.returncode == 0, rendered.stderr
    files["panelapp"] = rendered.stdout
    paths = {}
    for name, text in files.items():
        paths[name] = folder / f"{name}.yaml"
        paths[name].write_text(text)
    return paths


@pytest.fixture(scope="module")
def checkov_files(manifests, helm_env) -> tuple[list[Finding], int]:
    """One checkov run over the rendered manifests and both Dockerfiles (checkov starts slowly)."""
    arguments = ["--framework", "kubernetes", "dockerfile"]
    for path in [*manifests.values(), *DOCKERFILES]:
        arguments += ["--file", str(path)]
    return checkov(arguments, helm_env)


def test_hadolint_finds_nothing_in_the_dockerfiles():
    findings = hadolint(DOCKERFILES)
    assert not findings, "\n".join(map(str, findings))


def test_checkov_finds_nothing_in_the_dockerfiles(checkov_files):
    findings, passed = checkov_files
    for dockerfile in DOCKERFILES:
        failed = [f for f in findings if f.detail.endswith(f"/{dockerfile.name})")]
        assert not failed, "\n".join(map(str, failed))
    assert passed > 100


def test_checkov_helm_runner_on_the_chart(helm_env):
    findings, passed = checkov(["--directory", str(CHART), "--framework", "helm"], helm_env)
    left, stale = unexcused(findings, "chart", "checkov")
    assert not left, "\n".join(map(str, left))
    assert not stale, f"exceptions that match nothing any more, remove them: {stale}"
    assert passed > 50


@pytest.mark.parametrize("name", ["chart-cluster", "chart-namespaces"])
def test_checkov_on_the_rendered_chart(checkov_files, manifests, name):
    failed = [f for f in checkov_files[0] if f.detail.endswith(f"/{manifests[name].name})")]
    assert not failed, "\n".join(map(str, failed))


@pytest.mark.parametrize("name", ["chart-cluster", "chart-namespaces"])
def test_kube_score_on_the_rendered_chart(manifests, name):
    findings, ran = kube_score([manifests[name]])
    assert not findings, "\n".join(map(str, findings))
    assert ran > 10


def test_checkov_on_the_operator_manifests(checkov_files, manifests):
    findings = [f for f in checkov_files[0] if f.detail.endswith(f"/{manifests['panelapp'].name})")]
    left, stale = unexcused(findings, "panelapp", "checkov")
    assert not left, "\n".join(map(str, left))
    assert not stale, f"exceptions that match nothing any more, remove them: {stale}"


def test_kube_score_on_the_operator_manifests(manifests):
    findings, ran = kube_score([manifests["panelapp"]])
    left, stale = unexcused(findings, "panelapp", "kube-score")
    assert not left, "\n".join(map(str, left))
    assert not stale, f"exceptions that match nothing any more, remove them: {stale}"
    assert ran > 50


def test_every_exception_says_why(helm_env):
    for target in ("chart", "panelapp"):
        for entry in exceptions(target):
            assert len(entry.reason.split()) >= 8, f"{entry.check}: give the reason in a sentence"
    for obj in yaml.safe_load_all(helm_template(helm_env, *values.everything("team-a"))):
        for key, value in ((obj or {}).get("metadata", {}).get("annotations") or {}).items():
            if key.startswith("checkov.io/skip"):
                assert re.fullmatch(r"CKV2?_[A-Z0-9_]+=\S.{20,}", value), f"{key}: {value} needs ID=reason"
    lines = (CHART / "templates" / "deployment.yaml").read_text().splitlines()
    [at] = [number for number, line in enumerate(lines) if "kube-score/ignore:" in line]
    assert lines[at - 1].strip().startswith("#"), "explain the kube-score/ignore annotation in a comment above it"
    for dockerfile in DOCKERFILES:
        for line in dockerfile.read_text().splitlines():
            if "checkov:skip=" in line:
                assert re.search(r"checkov:skip=CKV2?_[A-Z0-9_]+:\S.{20,}", line), f"{dockerfile.name}: {line}"
            assert "hadolint ignore" not in line or line.count("#") > 1, f"{dockerfile.name}: explain {line}"
