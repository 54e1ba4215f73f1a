"""A real local Kubernetes control plane for tests and the demo.

etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK run as local processes on
loopback. KWOK plays the kubelet: it makes pods Running and Ready and lets Job pods succeed, so
Deployments become Available and Jobs Complete without containers. The binaries are built from the
Go module proxy by hack/build-tools.sh.

With `ControlPlane(real_node=True)` a real node joins beside it (realnode.py: containerd, runc, the
kubelet and kube-proxy), and images.py builds the project's images with buildah and imports them
into that node's containerd, so pods run the real PanelApp image.
"""

from .controlplane import ControlPlane, ControlPlaneError
from .tools import MissingToolError, Toolbox

__all__ = ["ControlPlane", "ControlPlaneError", "MissingToolError", "Toolbox"]
