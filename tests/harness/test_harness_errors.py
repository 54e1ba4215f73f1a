"""The harness explains what is wrong instead of failing obscurely (no cluster needed)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from localcluster import ControlPlane, ControlPlaneError, MissingToolError, Toolbox
from localcluster.controlplane import CONTROL_PLANE_BINARIES
from localcluster.tools import read_versions


def test_missing_binaries_are_named_with_the_command_that_builds_them(tmp_path):
    toolbox = Toolbox(tools_dir=tmp_path / "empty-cache", versions=read_versions())
    with pytest.raises(MissingToolError) as error:
        ControlPlane(workdir=tmp_path / "cp", toolbox=toolbox).start()
    message = str(error.value)
    for binary in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"):
        assert binary in message
    assert "hack/build-tools.sh" in message
    assert toolbox.version("kubernetes") in message


def test_a_taken_api_port_is_reported_before_anything_starts(tmp_path):
    toolbox = Toolbox.from_environment()
    toolbox.require_all(CONTROL_PLANE_BINARIES)  # fails with the build command when not built
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        plane = ControlPlane(workdir=tmp_path / "cp", toolbox=toolbox, api_port=port)
        with pytest.raises(ControlPlaneError, match=rf"port {port} .* already in use"):
            plane.start()
        assert plane.components == []


def test_pinned_versions_match_the_go_modules():
    """build-tools.sh keys the cache by versions.env; the Go modules must build the same versions."""
    versions = read_versions()
    tools = Path(__file__).resolve().parents[2] / "hack" / "tools"
    expectations = {
        "kubernetes": ("k8s.io/kubernetes", versions["KUBERNETES_VERSION"]),
        "etcd": ("go.etcd.io/etcd/server/v3", versions["ETCD_VERSION"]),
        "kwok": ("sigs.k8s.io/kwok", versions["KWOK_VERSION"]),
        "helm": ("helm.sh/helm/v3", versions["HELM_VERSION"]),
        "kubernetes-node": ("k8s.io/kubernetes", versions["KUBERNETES_VERSION"]),
        "containerd": ("github.com/containerd/containerd/v2", versions["CONTAINERD_VERSION"]),
        "runc": ("github.com/opencontainers/runc", versions["RUNC_VERSION"]),
    }
    for group, (module, version) in expectations.items():
        gomod = (tools / group / "go.mod").read_text()
        assert f"\t{module} {version}" in gomod or f"require {module} {version}" in gomod, (group, module, version)
