"""A real node beside the KWOK one: containerd + runc + the kubelet, and kube-proxy in iptables mode,
so pods run the real images and a Service is reached across its ready endpoints the way a load
balancer reaches it. Verified facts and traps: ../shared/reference/real-node.md (and docs in README).

What the harness makes, and removes again in `stop()` (only by its own PIDs and names):
- a Linux bridge with the pod network's gateway address (`gateway`). Pods get addresses on it and
  no default route; services the pods need (PostgreSQL, moto, the SMTP sink) listen on `gateway`.
- a route that sends the Service range to that bridge, so a Service address is never looked up
  through the machine's default route (kube-proxy rewrites it to a pod address before it leaves).
- containerd (own root, state and socket), the kubelet (own root dir, own cgroup root) and
  kube-proxy, each with its log in the node's folder.

There is one real node per machine at a time: kube-proxy owns the host's KUBE-* iptables chains,
and the bridge name is the lock. A second one fails at once, naming the first one's bridge.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .processes import terminate

if TYPE_CHECKING:
    from .controlplane import Component, ControlPlane

NODE_NAME = "real-node-0"  # pki.REAL_NODE_NAME names it in the kubelet's certificate
NODE_LABEL = "panelapp.org/real-node"
BRIDGE = "panelapp0"
# The pod network of the real node and the Service range of a cluster that has one. Both are
# reached only through the bridge above: they never leave the machine.
POD_SUBNET = "10.213.0.0/24"
SERVICE_CIDR = "10.97.0.0/24"
CGROUP_ROOT = "/panelapp-node"
NODE_BINARIES = ("kubelet", "kube-proxy", "containerd", "containerd-shim-runc-v2", "ctr", "runc")
CNI_BIN_DIRS = (Path("/usr/lib/cni"), Path("/opt/cni/bin"))
CNI_PLUGINS = ("bridge", "host-local", "loopback")


class RealNodeError(RuntimeError):
    """The real node could not start; the message names the component and carries its log."""


def gateway_address() -> str:
    return str(next(ipaddress.ip_network(POD_SUBNET).hosts()))


def first_service_address(cidr: str = SERVICE_CIDR) -> str:
    return str(next(ipaddress.ip_network(cidr).hosts()))


def _run(argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if check and completed.returncode != 0:
        raise RealNodeError(f"`{' '.join(argv)}` failed ({completed.returncode}): {completed.stderr.strip()}")
    return completed


def cni_bin_dir() -> Path:
    for folder in CNI_BIN_DIRS:
        if all((folder / plugin).exists() for plugin in CNI_PLUGINS):
            return folder
    raise RealNodeError(
        f"the CNI plugins {', '.join(CNI_PLUGINS)} were not found in {' or '.join(map(str, CNI_BIN_DIRS))}: "
        "install the Debian package containernetworking-plugins (hack/setup.sh does)"
    )


@dataclass
class RealNode:
    """Started by ControlPlane(real_node=True) once the API server and controllers are healthy."""

    plane: ControlPlane
    workdir: Path
    components: list[Component] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    _made_bridge: bool = False
    _made_route: bool = False
    _made_cgroups: list[Path] = field(default_factory=list)
    _remove_workdir: bool = False

    gateway: str = field(default_factory=gateway_address)

    @classmethod
    def in_short_folder(cls, plane: ControlPlane) -> RealNode:
        """The node's state (containerd's root, the kubelet's root dir, their sockets) goes in a
        short folder of its own: unix socket paths must stay under 108 bytes, and a test's work
        folder is often longer. The logs stay in the control plane's folder. Removed in stop()."""
        return cls(plane=plane, workdir=Path(tempfile.mkdtemp(prefix="pa-node-")), _remove_workdir=True)

    @property
    def containerd_socket(self) -> Path:
        return self.workdir / "containerd" / "containerd.sock"

    # ---------------------------------------------------------------------------- lifecycle
    def start(self, binaries: dict[str, Path]) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self._check_kernel()
        self._make_network()
        self._make_cgroup_root()
        self._start_containerd(binaries)
        self.import_archive(self.plane.toolbox.group_dir("pause") / "pause.oci.tar", binaries["ctr"])
        self.timings["containerd"] = time.monotonic() - started
        kubelet = self._start_kubelet(binaries)
        self._start_kube_proxy(binaries)
        self.plane._wait_for(self.ready, f"the real node {NODE_NAME} to become Ready", kubelet, timeout=120)
        self.timings["node-ready"] = time.monotonic() - started

    def ready(self) -> bool:
        node = self.plane._api_get(f"/api/v1/nodes/{NODE_NAME}")
        conditions = (node or {}).get("status", {}).get("conditions", [])
        return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)

    def stop(self) -> None:
        """Pods first (the kubelet tears their sandboxes down), then our processes, mounts, cgroups,
        the route and the bridge. Safe to call after a partial start."""
        kubelet_running = any(c.name == "kubelet" and c.process.poll() is None for c in self.components)
        if kubelet_running and self.plane.components:
            self.plane.kubectl(
                "delete",
                "pods",
                "--all-namespaces",
                "--grace-period=1",
                f"--field-selector=spec.nodeName={NODE_NAME}",
                "--wait=true",
                "--timeout=60s",
                check=False,
                timeout=90,
            )
        for component in reversed(self.components):
            terminate(component.process, timeout=20)
        self.components.clear()
        self._reap_leftovers()
        self._unmount_below(self.workdir)
        for cgroup in reversed(self._made_cgroups):
            self._remove_cgroup_tree(cgroup)
        self._made_cgroups.clear()
        if self._made_route:
            _run(["ip", "route", "del", SERVICE_CIDR, "dev", BRIDGE], check=False)
            self._made_route = False
        if self._made_bridge:
            _run(["ip", "link", "del", BRIDGE], check=False)
            self._made_bridge = False
        if self._remove_workdir and not any(
            line.split()[1].startswith(str(self.workdir)) for line in Path("/proc/self/mounts").read_text().splitlines()
        ):
            shutil.rmtree(self.workdir, ignore_errors=True)

    # ---------------------------------------------------------------------------- images
    def import_archive(self, archive: Path, ctr: Path | None = None) -> None:
        """Imports an OCI archive into containerd's `k8s.io` namespace, where the kubelet looks."""
        ctr = ctr or self.plane.toolbox.path("ctr")
        completed = subprocess.run(
            [
                str(ctr),
                "--address",
                str(self.containerd_socket),
                "-n",
                "k8s.io",
                "images",
                "import",
                "--local",
                str(archive),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if completed.returncode != 0:
            raise RealNodeError(
                f"ctr images import {archive} failed: {completed.stderr.strip()}\n{self.describe_failure()}"
            )

    def images(self) -> list[str]:
        completed = subprocess.run(
            [
                str(self.plane.toolbox.path("ctr")),
                "--address",
                str(self.containerd_socket),
                "-n",
                "k8s.io",
                "images",
                "list",
                "-q",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        return completed.stdout.split()

    def describe_failure(self) -> str:
        parts = []
        for component in self.components:
            state = "running" if component.process.poll() is None else f"exited rc={component.process.returncode}"
            parts.append(f"--- {component.name} ({state}), log {component.log_path}:\n{component.log_tail()}")
        return "\n".join(parts)

    # ---------------------------------------------------------------------------- internals
    def _check_kernel(self) -> None:
        if os.geteuid() != 0:
            raise RealNodeError("the real node needs root (network, mounts and cgroups): run the tests as root")
        for tool in ("ip", "iptables", "conntrack"):
            if shutil.which(tool) is None:
                raise RealNodeError(
                    f"`{tool}` is not installed: run hack/setup.sh (Debian iproute2, iptables, conntrack)"
                )
        cni_bin_dir()
        probe = _run(["iptables", "-w", "-t", "nat", "-L", "-n"], check=False)
        if probe.returncode != 0:
            raise RealNodeError(
                f"the kernel refuses iptables' nat table, which kube-proxy needs: {probe.stderr.strip()}"
            )

    def _make_network(self) -> None:
        made = _run(["ip", "link", "add", "name", BRIDGE, "type", "bridge"], check=False)
        if made.returncode != 0:
            raise RealNodeError(
                f"cannot create the bridge {BRIDGE} ({made.stderr.strip()}). One real node runs per machine: "
                f"if another test run or `make demo` is running, stop it; a bridge left by a killed run goes "
                f"with `ip link del {BRIDGE}`."
            )
        self._made_bridge = True
        prefix = ipaddress.ip_network(POD_SUBNET).prefixlen
        _run(["ip", "addr", "add", f"{self.gateway}/{prefix}", "dev", BRIDGE])
        _run(["ip", "link", "set", BRIDGE, "up"])
        _run(["ip", "route", "add", SERVICE_CIDR, "dev", BRIDGE, "src", self.gateway])
        self._made_route = True
        # Nothing global is switched on: no IP forwarding, no masquerade. The host reaches pods on the
        # bridge directly, and kube-proxy rewrites the host's own Service traffic (OUTPUT chain) to a
        # pod address; pods reach the gateway's services and nothing beyond (they call no Service).
        cni = self.workdir / "cni"
        (cni / "net.d").mkdir(parents=True, exist_ok=True)
        (cni / "net.d" / "10-panelapp.conflist").write_text(
            json.dumps(
                {
                    "cniVersion": "1.0.0",
                    "name": "panelapp-real-node",
                    "plugins": [
                        {
                            "type": "bridge",
                            "bridge": BRIDGE,
                            "isGateway": True,
                            "ipMasq": False,
                            "hairpinMode": True,
                            # No routes: pods reach the gateway's subnet and nothing beyond it.
                            "ipam": {
                                "type": "host-local",
                                "ranges": [[{"subnet": POD_SUBNET, "gateway": self.gateway}]],
                                "routes": [],
                                "dataDir": str(cni / "ipam"),
                            },
                        },
                        {"type": "loopback"},
                    ],
                },
                indent=2,
            )
        )

    def _make_cgroup_root(self) -> None:
        """The kubelet's own cgroup root in every v1 hierarchy (it refuses a root that is missing)."""
        base = Path("/sys/fs/cgroup")
        for hierarchy in sorted(base.iterdir()):
            if not hierarchy.is_dir() or hierarchy.is_symlink() or hierarchy.name == "unified":
                continue
            target = hierarchy / CGROUP_ROOT.strip("/")
            if not target.exists():
                try:
                    target.mkdir()
                except OSError:
                    continue
                self._made_cgroups.append(target)
            # cpuset children start empty; copy the parent's CPUs and memory nodes.
            if hierarchy.name.startswith("cpuset"):
                for knob in ("cpuset.cpus", "cpuset.mems"):
                    if (hierarchy / knob).exists():
                        (target / knob).write_text((hierarchy / knob).read_text())

    def _reap_leftovers(self) -> None:
        """What the kubelet did not tear down (a pod deleted too late, a kubelet that died): the
        processes in our cgroup root, the shims our containerd started (shims outlive containerd
        by design), and the pods' network namespaces, found by the namespace of those processes."""
        pids: set[int] = set()
        for hierarchy in ("pids", "memory"):
            root = Path("/sys/fs/cgroup") / hierarchy / CGROUP_ROOT.strip("/")
            for procs in root.rglob("cgroup.procs") if root.exists() else ():
                pids.update(int(line) for line in procs.read_text().split())
        namespaces = set()
        for pid in pids:
            with contextlib.suppress(OSError):
                namespaces.add(os.stat(f"/proc/{pid}/ns/net").st_ino)
        marker = f"-address {self.containerd_socket}".encode()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if marker in (entry / "cmdline").read_bytes().replace(b"\0", b" "):
                        pids.add(int(entry.name))
                except OSError:
                    pass
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        netns = Path("/var/run/netns")
        for entry in netns.iterdir() if netns.exists() else ():
            try:
                if entry.stat().st_ino in namespaces:
                    subprocess.run(["umount", str(entry)], capture_output=True, timeout=30)
                    entry.unlink()
            except OSError:
                pass
        if pids:
            time.sleep(0.5)  # let the killed processes leave their cgroups

    @staticmethod
    def _remove_cgroup_tree(path: Path) -> None:
        if not path.exists():
            return
        for child in sorted((p for p in path.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                child.rmdir()
        with contextlib.suppress(OSError):
            path.rmdir()

    @staticmethod
    def _unmount_below(folder: Path) -> None:
        prefix = str(folder.resolve()) + "/"
        mounts = [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()]
        for mount in sorted((m for m in mounts if m.startswith(prefix)), key=len, reverse=True):
            subprocess.run(["umount", "-l", mount], capture_output=True, timeout=30)

    def _start_containerd(self, binaries: dict[str, Path]) -> Component:
        root = self.workdir / "containerd"
        (root / "root").mkdir(parents=True, exist_ok=True)
        (root / "state").mkdir(parents=True, exist_ok=True)
        config = root / "config.toml"
        pause_image = self.plane.toolbox.versions["PAUSE_IMAGE"]
        config.write_text(f'''version = 3
root = "{root / "root"}"
state = "{root / "state"}"

[grpc]
  address = "{self.containerd_socket}"

[ttrpc]
  address = "{root / "containerd.sock.ttrpc"}"

[plugins."io.containerd.cri.v1.runtime"]
  # Lowering a process's OOM score needs CAP_SYS_RESOURCE, which this kind of VM withholds.
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["{cni_bin_dir()}"]
    conf_dir = "{self.workdir / "cni" / "net.d"}"

[plugins."io.containerd.cri.v1.images"]
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "{pause_image}"
  [plugins."io.containerd.cri.v1.images".registry]
    config_path = "{root / "certs.d"}"

[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
''')
        # No registry may ever be tried from here: every registry's pulls go to a closed loopback
        # port, so a pod with a missing image fails at once with the kubelet's reason.
        hosts = root / "certs.d" / "_default"
        hosts.mkdir(parents=True, exist_ok=True)
        (hosts / "hosts.toml").write_text(
            'server = "http://127.0.0.1:9"\n\n[host."http://127.0.0.1:9"]\n  capabilities = ["pull", "resolve"]\n'
        )
        env = dict(os.environ)
        # containerd finds its shim, and the shim finds runc, on PATH.
        env["PATH"] = os.pathsep.join(
            [str(binaries["containerd-shim-runc-v2"].parent), str(binaries["runc"].parent), env.get("PATH", "")]
        )
        containerd = self.plane._spawn("containerd", binaries["containerd"], ["--config", str(config)], env=env)
        self.components.append(containerd)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if containerd.process.poll() is not None:
                raise RealNodeError(
                    f"containerd exited with code {containerd.process.returncode} while starting. "
                    f"Its log ({containerd.log_path}) ends with:\n{containerd.log_tail()}"
                )
            probe = subprocess.run(
                [str(binaries["ctr"]), "--address", str(self.containerd_socket), "version"],
                capture_output=True,
                text=True,
                timeout=10,
            )
            if probe.returncode == 0:
                return containerd
            time.sleep(0.2)
        raise RealNodeError(
            f"containerd did not answer on {self.containerd_socket} within 60 s. "
            f"Its log ends with:\n{containerd.log_tail()}"
        )

    def _start_kubelet(self, binaries: dict[str, Path]) -> Component:
        from .controlplane import free_port

        folder = self.workdir / "kubelet"
        folder.mkdir(parents=True, exist_ok=True)
        pki = self.plane.workdir / "pki"
        kubeconfig = self.plane.write_client_kubeconfig(folder / "kubeconfig", "kubelet")
        config = folder / "config.yaml"
        config.write_text(
            json.dumps(
                {
                    "apiVersion": "kubelet.config.k8s.io/v1beta1",
                    "kind": "KubeletConfiguration",
                    "cgroupDriver": "cgroupfs",
                    "cgroupRoot": CGROUP_ROOT,
                    "failCgroupV1": False,
                    "failSwapOn": False,
                    "containerRuntimeEndpoint": f"unix://{self.containerd_socket}",
                    "address": self.gateway,
                    "port": free_port(),
                    "readOnlyPort": 0,
                    "healthzBindAddress": "127.0.0.1",
                    "healthzPort": free_port(),
                    # The API server calls the kubelet with its client certificate (logs, exec,
                    # port-forward); the kubelet asks the API server whether that caller may.
                    "authentication": {
                        "anonymous": {"enabled": False},
                        "webhook": {"enabled": True},
                        "x509": {"clientCAFile": str(pki / "ca.crt")},
                    },
                    "authorization": {"mode": "Webhook"},
                    "enforceNodeAllocatable": [],
                    "evictionHard": {},
                    "localStorageCapacityIsolation": False,
                    "resolvConf": "",
                    "clusterDomain": "cluster.local",
                    "serializeImagePulls": False,
                    "imageGCHighThresholdPercent": 100,
                    "imageGCLowThresholdPercent": 99,
                    "maxPods": 60,
                    "syncFrequency": "10s",
                    "nodeStatusUpdateFrequency": "5s",
                    "shutdownGracePeriod": "0s",
                    "registerNode": True,
                },
                indent=2,
            )
        )
        kubelet = self.plane._spawn(
            "kubelet",
            binaries["kubelet"],
            [
                f"--config={config}",
                f"--kubeconfig={kubeconfig}",
                f"--root-dir={folder / 'root'}",
                f"--cert-dir={folder / 'pki'}",
                f"--hostname-override={NODE_NAME}",
                f"--node-ip={self.gateway}",
                f"--node-labels={NODE_LABEL}=true",
                "--v=1",
            ],
        )
        self.components.append(kubelet)
        return kubelet

    def _start_kube_proxy(self, binaries: dict[str, Path]) -> Component:
        from .controlplane import free_port

        folder = self.workdir / "kube-proxy"
        folder.mkdir(parents=True, exist_ok=True)
        kubeconfig = self.plane.write_client_kubeconfig(folder / "kubeconfig", "kube-proxy")
        proxy = self.plane._spawn(
            "kube-proxy",
            binaries["kube-proxy"],
            [
                f"--kubeconfig={kubeconfig}",
                f"--hostname-override={NODE_NAME}",
                "--proxy-mode=iptables",
                f"--cluster-cidr={POD_SUBNET}",
                "--conntrack-max-per-core=0",
                f"--metrics-bind-address=127.0.0.1:{free_port()}",
                f"--healthz-bind-address=127.0.0.1:{free_port()}",
                "--iptables-sync-period=5s",
                "--iptables-min-sync-period=0s",
                # NodePorts only on the bridge, never on loopback: no route_localnet switched on.
                f"--nodeport-addresses={POD_SUBNET}",
                "--iptables-localhost-nodeports=false",
                "--v=1",
            ],
        )
        self.components.append(proxy)
        return proxy
