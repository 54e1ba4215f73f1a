"""The command line: golden files of `render` for every example, and clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.operator import samples

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PANELAPP_UPDATE_GOLDEN") == "1"


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "panelapp_operator", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=samples.REPO,
        timeout=60,
    )


@pytest.mark.parametrize("example", ["minimal", "production", "upstream-images", "upgrades-and-queue-workers"])
def test_render_matches_the_golden_file(example):
    result = run_cli("render", f"examples/{example}.yaml", "--namespace", "panelapp")
    assert result.returncode == 0, result.stderr
    golden = GOLDEN / f"{example}.yaml"
    if UPDATE:
        golden.write_text(result.stdout)
    assert golden.exists(), f"missing {golden}: run with PANELAPP_UPDATE_GOLDEN=1 once and review the file"
    assert result.stdout == golden.read_text(), (
        f"`render examples/{example}.yaml` changed; if intended, regenerate with PANELAPP_UPDATE_GOLDEN=1 and "
        "review the diff"
    )


@pytest.mark.parametrize("spec", ["metrics-and-queue"])
def test_render_of_a_test_spec_matches_the_golden_file(spec):
    """Specs that use fields no example does (metrics, the PodMonitor, KEDA on the queue), so the
    examples' golden files stay as they are."""
    result = run_cli("render", f"tests/operator/unit/specs/{spec}.yaml", "--namespace", "panelapp")
    assert result.returncode == 0, result.stderr
    golden = GOLDEN / f"{spec}.yaml"
    if UPDATE:
        golden.write_text(result.stdout)
    assert golden.exists(), f"missing {golden}: run with PANELAPP_UPDATE_GOLDEN=1 once and review the file"
    assert result.stdout == golden.read_text(), (
        f"`render tests/operator/unit/specs/{spec}.yaml` changed; if intended, regenerate with "
        "PANELAPP_UPDATE_GOLDEN=1 and review the diff"
    )


def test_render_reads_standard_input_and_skips_other_kinds():
    text = (samples.EXAMPLES / "minimal.yaml").read_text()
    result = run_cli("render", "-", stdin=text)
    assert result.returncode == 0, result.stderr
    documents = list(yaml.safe_load_all(result.stdout))
    assert {doc["kind"] for doc in documents} >= {"Deployment", "Job", "ConfigMap", "Service", "ServiceAccount"}
    assert not [doc for doc in documents if doc["kind"] == "Secret"]  # the input's Secret is not rendered
    assert {doc["metadata"]["namespace"] for doc in documents} == {"default"}
    assert "change-me" not in result.stdout  # the example Secret's value goes nowhere


def test_render_refuses_bad_input_naming_the_field(tmp_path):
    bad = samples.resource(spec=samples.bad_spec({"storage.staticBucket": "Bad_Bucket"}))
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    result = run_cli("render", str(path))
    assert result.returncode == 1
    assert "spec.storage.staticBucket" in result.stderr and not result.stdout


def test_render_without_a_panelapp_is_an_error(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    result = run_cli("render", str(path))
    assert result.returncode == 2 and "no PanelApp resource" in result.stderr


def test_run_help_documents_scope_and_liveness():
    result = run_cli("run", "--help")
    assert result.returncode == 0
    for option in ("--namespace", "--all-namespaces", "--liveness-port", "--resync-seconds", "WATCH_NAMESPACES"):
        assert option in result.stdout
