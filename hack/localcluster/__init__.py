"""A real local Kubernetes control plane for tests and the demo.

etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK run as local processes on
loopback. KWOK plays the kubelet: it makes pods Running and Ready and lets Job pods succeed, so
Deployments become Available and Jobs Complete without containers. The binaries are built from the
Go module proxy by hack/build-tools.sh.
"""
from .controlplane import ControlPlane, ControlPlaneError
from .tools import MissingToolError, Toolbox

__all__ = ["ControlPlane", "ControlPlaneError", "MissingToolError", "Toolbox"]
