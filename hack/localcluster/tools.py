"""Finds the pinned tools in the version-keyed cache: the Go-built binaries hack/build-tools.sh fills
and the scanners hack/setup.sh installs there (checkov in a virtual environment of its own)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HACK_DIR = Path(__file__).resolve().parent.parent
VERSIONS_FILE = HACK_DIR / "versions.env"

# Which tool group (a folder in the cache, one `go build`) provides which binary.
BINARY_GROUPS = {
    "etcd": "etcd",
    "kwok": "kwok",
    "kube-apiserver": "kubernetes",
    "kube-controller-manager": "kubernetes",
    "kube-scheduler": "kubernetes",
    "kubectl": "kubernetes",
    "helm": "helm",
    # Scanners for the chart and images (tests/packaging). kube-score stands in for kube-linter;
    # checkov is a virtual environment of its own that hack/setup.sh links as <group dir>/checkov.
    "kube-score": "kube-score",
    "checkov": "checkov",
    # The real node (realnode.py): kubelet and kube-proxy of the same release, containerd with its
    # runc shim and ctr, runc itself; pause is an OCI archive, not a binary (pause.oci.tar).
    "kubelet": "kubernetes-node",
    "kube-proxy": "kubernetes-node",
    "containerd": "containerd",
    "containerd-shim-runc-v2": "containerd",
    "ctr": "containerd",
    "runc": "runc",
}
GROUP_VERSION_KEYS = {
    "etcd": "ETCD_VERSION",
    "kwok": "KWOK_VERSION",
    "kubernetes": "KUBERNETES_VERSION",
    "helm": "HELM_VERSION",
    "kube-score": "KUBE_SCORE_VERSION",
    "checkov": "CHECKOV_VERSION",
    "kubernetes-node": "KUBERNETES_VERSION",
    "containerd": "CONTAINERD_VERSION",
    "runc": "RUNC_VERSION",
    "pause": "PAUSE_VERSION",
    # Not a binary: rootfs.tar, the Debian base of the image builds (hack/setup.sh).
    "python-base": "PYTHON_BASE_VERSION",
}
BUILD_COMMAND = "hack/build-tools.sh  (or: make tools; checkov: hack/setup.sh)"


class MissingToolError(RuntimeError):
    """A pinned binary has not been built yet."""


def read_versions(path: Path = VERSIONS_FILE) -> dict[str, str]:
    versions = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            versions[key.strip()] = value.strip()
    return versions


def default_tools_dir() -> Path:
    """Mirrors the folder hack/build-tools.sh uses, so both agree without a shared state file."""
    if os.environ.get("PANELAPP_TOOLS_DIR"):
        return Path(os.environ["PANELAPP_TOOLS_DIR"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "panelapp-operator" / "tools"


@dataclass(frozen=True)
class Toolbox:
    tools_dir: Path
    versions: dict[str, str]

    @classmethod
    def from_environment(cls) -> Toolbox:
        return cls(default_tools_dir(), read_versions())

    def version(self, group: str) -> str:
        return self.versions[GROUP_VERSION_KEYS[group]]

    def group_dir(self, group: str) -> Path:
        return self.tools_dir / f"{group}-{self.version(group)}"

    def path(self, binary: str) -> Path:
        group = BINARY_GROUPS[binary]
        folder = self.group_dir(group)
        candidate = folder / binary
        if not (folder / ".complete").exists() or not os.access(candidate, os.X_OK):
            raise MissingToolError(
                f"{binary} {self.version(group)} is not built (looked in {folder}). "
                f"Build the pinned tools with: {BUILD_COMMAND}"
            )
        return candidate

    def require_all(self, binaries: Iterable[str] = tuple(BINARY_GROUPS)) -> dict[str, Path]:
        """Resolves every binary at once so a user sees every missing one in one message."""
        found: dict[str, Path] = {}
        missing: list[str] = []
        for name in binaries:
            try:
                found[name] = self.path(name)
            except MissingToolError:
                group = BINARY_GROUPS[name]
                missing.append(f"  {name} {self.version(group)} (expected in {self.group_dir(group)})")
        if missing:
            raise MissingToolError(
                "these pinned binaries are not built:\n" + "\n".join(missing) + f"\nBuild them with: {BUILD_COMMAND}"
            )
        return found

    def bin_dir_on_path(self) -> str:
        """A PATH fragment with every group folder, so subprocesses find kubectl and helm."""
        return os.pathsep.join(str(self.group_dir(g)) for g in GROUP_VERSION_KEYS)
