"""Starts and stops etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK as local
processes on random loopback ports, with a health check before each next component starts.

Only the processes this object started are ever signalled. Every component writes its log to
<workdir>/<name>.log; when a component fails to come up, the error carries the tail of its log.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import realnode
from .pki import FRONT_PROXY_CLIENT, make_pki
from .processes import terminate
from .realnode import RealNode, RealNodeError
from .stages import write_stage_file
from .tools import Toolbox

SERVICE_CIDR = "10.96.0.0/16"
POD_CIDR = "10.244.0.0/16"
FAKE_NODE_NAME = "kwok-node-0"
FAKE_NODE_TAINT = "panelapp.org/kwok-node"
# kubectl is used to create the fake node and for health checks; helm is not needed to start.
CONTROL_PLANE_BINARIES = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "kubectl")


class ControlPlaneError(RuntimeError):
    """A component did not start; the message names it and carries its log."""


class ToolFailed(subprocess.CalledProcessError):
    """kubectl or helm exited non-zero. Unlike its base class, its message carries what the tool
    printed on stderr, so a failing test's report says why, not only that it failed."""

    def __str__(self) -> str:
        said = (self.stderr or self.stdout or "").strip()
        return f"{super().__str__()}\n{said[-2000:]}" if said else super().__str__()


def _yaml_documents(path: Path) -> list[dict[str, Any]]:
    import yaml  # the control plane itself starts without PyYAML; only CRD files need it

    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def ensure_port_free(port: int, what: str) -> None:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as error:
            raise ControlPlaneError(
                f"port {port} on 127.0.0.1, asked for {what}, is already in use ({error.strerror}). "
                f"Stop whatever listens there (`ss -ltnp 'sport = :{port}'` shows it) or choose another port."
            ) from None


def advertise_address() -> str:
    """The API server refuses a loopback advertise address, so publish the host's own address;
    on a loopback-only host, an unassigned TEST-NET address works because nothing dials it."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("192.0.2.1", 9))  # a UDP connect sends nothing; it only picks a route
            address: str = sock.getsockname()[0]
            if not address.startswith("127."):
                return address
    except OSError:
        pass
    return "192.0.2.1"


class MissingPauseImage(ControlPlaneError):
    def __init__(self, folder: Path):
        super().__init__(
            f"the real node's sandbox image is not built (looked in {folder}). Build it with: hack/build-tools.sh pause"
        )


@dataclass
class Component:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def resident_bytes(self) -> int:
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except FileNotFoundError:
            pass
        return 0


@dataclass
class ControlPlane:
    """A local control plane. `start()` returns once a fake node is Ready and the default
    namespace has its ServiceAccount, i.e. once pods can be created and will become Ready."""

    workdir: Path
    toolbox: Toolbox = field(default_factory=Toolbox.from_environment)
    api_port: int | None = None  # a fixed port for the demo; random when None
    # Opt-in: a kubelet node that runs real containers beside the KWOK node (realnode.py). The
    # KWOK node is then tainted, so pods land on the real node unless they tolerate the taint.
    real_node: bool = False
    node: RealNode | None = None
    components: list[Component] = field(default_factory=list)
    server: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    # ---------------------------------------------------------------------------- paths
    @property
    def kubeconfig(self) -> Path:
        return self.workdir / "kubeconfig"

    @property
    def bin_path(self) -> str:
        return self.toolbox.bin_dir_on_path()

    def env(self) -> dict[str, str]:
        """Environment for subprocesses (kubectl, helm, an operator) that should use this cluster."""
        env = dict(os.environ)
        env["KUBECONFIG"] = str(self.kubeconfig)
        env["PATH"] = self.bin_path + os.pathsep + env.get("PATH", "")
        # Helm keeps caches and repositories under HOME by default; keep them per cluster.
        for var, sub in (
            ("HELM_CACHE_HOME", "helm/cache"),
            ("HELM_CONFIG_HOME", "helm/config"),
            ("HELM_DATA_HOME", "helm/data"),
        ):
            env[var] = str(self.workdir / sub)
        return env

    # ---------------------------------------------------------------------------- lifecycle
    @property
    def service_cidr(self) -> str:
        return realnode.SERVICE_CIDR if self.real_node else SERVICE_CIDR

    def start(self) -> ControlPlane:
        wanted = CONTROL_PLANE_BINARIES + (realnode.NODE_BINARIES if self.real_node else ())
        binaries = self.toolbox.require_all(wanted)
        if self.real_node and not (self.toolbox.group_dir("pause") / ".complete").exists():
            raise MissingPauseImage(self.toolbox.group_dir("pause"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.api_port is not None:
            ensure_port_free(self.api_port, "the API server")
        started = time.monotonic()
        try:
            self._start_all(binaries)
        except BaseException:
            self.stop()
            raise
        self.timings["total"] = time.monotonic() - started
        return self

    def _start_all(self, binaries: dict[str, Path]) -> None:
        pki = self.workdir / "pki"
        pki.mkdir(exist_ok=True)
        make_pki(pki, service_ip=str(next(ipaddress.ip_network(self.service_cidr).hosts())))
        admin_tls = ssl.create_default_context(cafile=str(pki / "ca.crt"))
        admin_tls.load_cert_chain(pki / "admin.crt", pki / "admin.key")
        # The controller-manager and scheduler serve /healthz with self-signed in-memory certs.
        insecure_tls = ssl._create_unverified_context()

        # etcd: data on tmpfs and no fsync; this is a throw-away store.
        with self._timed("etcd"):
            etcd_port = free_port()
            etcd_url = f"http://127.0.0.1:{etcd_port}"
            tmpfs = Path("/dev/shm")
            self._etcd_dir = (tmpfs if tmpfs.is_dir() else self.workdir) / f"panelapp-etcd-{os.getpid()}-{etcd_port}"
            etcd = self._spawn(
                "etcd",
                binaries["etcd"],
                [
                    "--name=local",
                    f"--data-dir={self._etcd_dir}",
                    f"--listen-client-urls={etcd_url}",
                    f"--advertise-client-urls={etcd_url}",
                    f"--listen-peer-urls=http://127.0.0.1:{free_port()}",
                    f"--initial-advertise-peer-urls=http://127.0.0.1:{free_port()}",
                    "--unsafe-no-fsync=true",
                    "--log-level=warn",
                    "--quota-backend-bytes=2147483648",
                ],
            )
            self._wait_http(etcd, f"{etcd_url}/health", ok=lambda body: '"health":"true"' in body)

        with self._timed("kube-apiserver"):
            port = self.api_port or free_port()
            self.server = f"https://127.0.0.1:{port}"
            api = self._spawn(
                "kube-apiserver",
                binaries["kube-apiserver"],
                [
                    f"--etcd-servers={etcd_url}",
                    "--bind-address=127.0.0.1",
                    f"--secure-port={port}",
                    f"--advertise-address={advertise_address()}",
                    f"--tls-cert-file={pki / 'apiserver.crt'}",
                    f"--tls-private-key-file={pki / 'apiserver.key'}",
                    f"--client-ca-file={pki / 'ca.crt'}",
                    f"--service-account-issuer={self.server}",
                    f"--service-account-key-file={pki / 'sa.pub'}",
                    f"--service-account-signing-key-file={pki / 'sa.key'}",
                    f"--service-cluster-ip-range={self.service_cidr}",
                    "--authorization-mode=Node,RBAC",
                    # The API server calls kubelets (logs, exec, port-forward) at their InternalIP, with
                    # a client certificate the kubelet checks against the cluster CA.
                    "--kubelet-preferred-address-types=InternalIP",
                    f"--kubelet-client-certificate={pki / 'admin.crt'}",
                    f"--kubelet-client-key={pki / 'admin.key'}",
                    "--allow-privileged=true",
                    # The aggregation layer, for APIs served outside the API server (KEDA's external
                    # metrics adapter, metrics-server): who the front proxy is, and the headers it
                    # passes the caller's identity in. One CA signs everything here.
                    f"--requestheader-client-ca-file={pki / 'ca.crt'}",
                    f"--requestheader-allowed-names={FRONT_PROXY_CLIENT}",
                    "--requestheader-username-headers=X-Remote-User",
                    "--requestheader-group-headers=X-Remote-Group",
                    "--requestheader-extra-headers-prefix=X-Remote-Extra-",
                    f"--proxy-client-cert-file={pki / (FRONT_PROXY_CLIENT + '.crt')}",
                    f"--proxy-client-key-file={pki / (FRONT_PROXY_CLIENT + '.key')}",
                    "--profiling=false",
                    f"--cert-dir={pki}",
                    "--v=1",
                ],
            )
            self._wait_http(api, f"{self.server}/readyz", context=admin_tls, timeout=180)
        self._write_kubeconfig(pki)

        kubeconfig = str(self.kubeconfig)
        auth = [
            f"--kubeconfig={kubeconfig}",
            f"--authentication-kubeconfig={kubeconfig}",
            f"--authorization-kubeconfig={kubeconfig}",
        ]
        with self._timed("controllers"):
            kcm_port, scheduler_port, kwok_port = free_port(), free_port(), free_port()
            kcm = self._spawn(
                "kube-controller-manager",
                binaries["kube-controller-manager"],
                [
                    *auth,
                    "--bind-address=127.0.0.1",
                    f"--secure-port={kcm_port}",
                    "--leader-elect=false",
                    "--controllers=*",
                    f"--service-account-private-key-file={pki / 'sa.key'}",
                    f"--root-ca-file={pki / 'ca.crt'}",
                    f"--cluster-signing-cert-file={pki / 'ca.crt'}",
                    f"--cluster-signing-key-file={pki / 'ca.key'}",
                    "--use-service-account-credentials=false",
                    "--v=1",
                ],
            )
            scheduler = self._spawn(
                "kube-scheduler",
                binaries["kube-scheduler"],
                [
                    *auth,
                    "--bind-address=127.0.0.1",
                    f"--secure-port={scheduler_port}",
                    "--leader-elect=false",
                    "--v=1",
                ],
            )
            kwok = self._spawn(
                "kwok",
                binaries["kwok"],
                [
                    f"--kubeconfig={kubeconfig}",
                    f"--config={write_stage_file(self.workdir / 'kwok-stages.yaml')}",
                    "--manage-all-nodes=false",
                    "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
                    f"--cidr={POD_CIDR}",
                    "--node-ip=10.240.0.10",
                    "--node-lease-duration-seconds=40",
                    f"--server-address=127.0.0.1:{kwok_port}",
                ],
            )
            self._wait_http(kcm, f"https://127.0.0.1:{kcm_port}/healthz", context=insecure_tls)
            self._wait_http(scheduler, f"https://127.0.0.1:{scheduler_port}/healthz", context=insecure_tls)
            self._wait_http(kwok, f"http://127.0.0.1:{kwok_port}/healthz")

        with self._timed("node-ready"):
            self._create_fake_node()
            self._wait_for(lambda: self._node_ready(), "the fake node to become Ready", kwok)
            self._wait_for(
                lambda: self._service_account_exists("default"), "the default ServiceAccount in namespace default", kcm
            )

        if self.real_node:
            with self._timed("real-node"):
                self.node = RealNode.in_short_folder(self)
                try:
                    self.node.start(binaries)
                except RealNodeError as error:
                    raise ControlPlaneError(f"the real node did not start: {error}") from None

    def stop(self) -> None:
        """Stops the components this object started, newest first, and removes etcd's data.
        A real node goes first, while the API server can still tell the kubelet to remove pods."""
        if self.node is not None:
            self.node.stop()
            self.components = [c for c in self.components if c.process.poll() is None]
            self.node = None
        for component in reversed(self.components):
            terminate(component.process, timeout=15)
        self.components.clear()
        etcd_dir = getattr(self, "_etcd_dir", None)
        if etcd_dir:
            shutil.rmtree(etcd_dir, ignore_errors=True)

    def __enter__(self) -> ControlPlane:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------------------- clients
    def kubectl(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return self._run_tool("kubectl", args, input, check, timeout)

    def helm(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        return self._run_tool("helm", args, input, check, timeout)

    def apply_crds(self, *paths: Path, timeout: float = 60) -> None:
        """Applies CRD files or folders (server-side, so applying the same file again is a no-op) and
        returns once each CRD is Established and its resource is served by discovery. It polls the
        API server: a single `kubectl wait` can give up at once on a CRD created a moment ago."""
        crds = []
        for path in paths:
            self.kubectl("apply", "--server-side", "--force-conflicts", "-f", str(path))
            files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
            crds += [
                doc for file in files for doc in _yaml_documents(file) if doc.get("kind") == "CustomResourceDefinition"
            ]
        for crd in crds:
            self.wait_for_crd(crd["metadata"]["name"], timeout=timeout)
            group, plural = crd["spec"]["group"], crd["spec"]["names"]["plural"]
            for version in (v["name"] for v in crd["spec"]["versions"] if v.get("served", True)):
                self._wait_for(
                    functools.partial(self._served, f"/apis/{group}/{version}", plural),
                    f"discovery to serve {plural}.{group}/{version}",
                    timeout=timeout,
                )

    def wait_for_crd(self, name: str, timeout: float = 60) -> None:
        """Returns once the CRD `name` is Established; else a ControlPlaneError with its conditions."""
        path = f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"
        deadline = time.monotonic() + timeout
        seen: object = "not found"
        while time.monotonic() < deadline:
            crd = self._api_get(path)
            if crd is not None:
                seen = (crd.get("status") or {}).get("conditions") or []
                if any(c.get("type") == "Established" and c.get("status") == "True" for c in seen):
                    return
            time.sleep(0.2)
        api = next((c for c in self.components if c.name == "kube-apiserver"), None)
        tail = f"\nkube-apiserver log ({api.log_path}) ends with:\n{api.log_tail()}" if api else ""
        raise ControlPlaneError(
            f"the CRD {name} was not Established after {timeout:.0f} s (its conditions: {seen}).{tail}"
        )

    def _served(self, group_version_path: str, plural: str) -> bool:
        resources = (self._api_get(group_version_path) or {}).get("resources", [])
        return any(r.get("name") == plural for r in resources)

    def api_client(self) -> Any:
        """A new kubernetes.client.ApiClient for this cluster (admin credentials). Typed Any: the
        Kubernetes client ships no type information."""
        from kubernetes import config

        return config.new_client_from_config(config_file=str(self.kubeconfig))

    def resident_memory(self) -> dict[str, int]:
        """Resident set size in bytes of each running component."""
        return {c.name: c.resident_bytes() for c in self.components if c.process.poll() is None}

    def describe_failure(self) -> str:
        """Every component's state and log tail, for a failing test's report."""
        parts = []
        for component in self.components:
            state = "running" if component.process.poll() is None else f"exited rc={component.process.returncode}"
            parts.append(f"--- {component.name} ({state}), log {component.log_path}:\n{component.log_tail()}")
        return "\n".join(parts)

    # ---------------------------------------------------------------------------- internals
    def _run_tool(
        self, binary: str, args: tuple[str, ...], input: str | None, check: bool, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        path = self.toolbox.path(binary)
        result = subprocess.run(
            [str(path), *args],
            input=input,
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise ToolFailed(result.returncode, [binary, *args], result.stdout, result.stderr)
        return result

    def _spawn(self, name: str, binary: Path, args: list[str], env: dict[str, str] | None = None) -> Component:
        log_path = self.workdir / f"{name}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [str(binary), *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.workdir,
                start_new_session=True,
                env=env,
            )
        component = Component(name, process, log_path)
        self.components.append(component)
        return component

    class _Timer:
        def __init__(self, timings: dict[str, float], name: str):
            self.timings, self.name = timings, name

        def __enter__(self) -> None:
            self.start = time.monotonic()

        def __exit__(self, *exc: object) -> None:
            self.timings[self.name] = time.monotonic() - self.start

    def _timed(self, name: str) -> _Timer:
        return self._Timer(self.timings, name)

    def _wait_http(
        self,
        component: Component,
        url: str,
        context: ssl.SSLContext | None = None,
        timeout: float = 90,
        ok: Callable[[str], bool] = lambda body: True,
    ) -> None:
        last_error: object = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if component.process.poll() is not None:
                raise ControlPlaneError(
                    f"{component.name} exited with code {component.process.returncode} while starting. "
                    f"Its log ({component.log_path}) ends with:\n{component.log_tail()}"
                )
            try:
                with urllib.request.urlopen(url, context=context, timeout=2) as response:
                    body = response.read().decode(errors="replace")
                    if response.status == 200 and ok(body):
                        return
                    last_error = f"HTTP {response.status}: {body[:200]}"
            except (urllib.error.URLError, OSError) as error:
                last_error = error
            time.sleep(0.1)
        raise ControlPlaneError(
            f"{component.name} was not healthy at {url} after {timeout:.0f} s (last answer: {last_error}). "
            f"Its log ({component.log_path}) ends with:\n{component.log_tail()}"
        )

    def _wait_for(
        self, condition: Callable[[], bool], what: str, suspect: Component | None = None, timeout: float = 60
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        raise ControlPlaneError(f"timed out after {timeout:.0f} s waiting for {what}.\n{self.describe_failure()}")

    def _write_kubeconfig(self, pki: Path) -> None:
        self.write_client_kubeconfig(self.kubeconfig, "admin")

    def write_client_kubeconfig(self, path: Path, stem: str) -> Path:
        """A kubeconfig for this API server with the client certificate pki/<stem>.{crt,key}."""
        pki = self.workdir / "pki"
        user = f"panelapp-local-{stem}"
        path.write_text(
            json.dumps(
                {
                    "apiVersion": "v1",
                    "kind": "Config",
                    "current-context": "panelapp-local",
                    "clusters": [
                        {
                            "name": "panelapp-local",
                            "cluster": {"server": self.server, "certificate-authority": str(pki / "ca.crt")},
                        }
                    ],
                    "users": [
                        {
                            "name": user,
                            "user": {
                                "client-certificate": str(pki / f"{stem}.crt"),
                                "client-key": str(pki / f"{stem}.key"),
                            },
                        }
                    ],
                    "contexts": [{"name": "panelapp-local", "context": {"cluster": "panelapp-local", "user": user}}],
                },
                indent=2,
            )
        )
        path.chmod(0o600)
        return path

    def _api_get(self, path: str) -> dict[str, Any] | None:
        result = self.kubectl("get", "--raw", path, check=False, timeout=10)
        if result.returncode != 0:
            return None
        answer: dict[str, Any] = json.loads(result.stdout)
        return answer

    def _create_fake_node(self) -> None:
        node: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": FAKE_NODE_NAME,
                "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
                "labels": {
                    "kubernetes.io/hostname": FAKE_NODE_NAME,
                    "kubernetes.io/os": "linux",
                    "kubernetes.io/arch": "amd64",
                    "type": "kwok",
                    "topology.kubernetes.io/zone": "local-a",
                },
            },
            # No taint without a real node, so every pod lands here; with one, pods land on the real
            # node unless they tolerate the taint (scale and failure-injection tests can).
            # Ephemeral storage too, so pods that request it (a read-only root filesystem with
            # a sized /tmp) are schedulable as on a real node.
            "status": {
                "allocatable": {"cpu": "64", "memory": "256Gi", "ephemeral-storage": "500Gi", "pods": "1000"},
                "capacity": {"cpu": "64", "memory": "256Gi", "ephemeral-storage": "500Gi", "pods": "1000"},
            },
        }
        if self.real_node:
            node["spec"] = {"taints": [{"key": FAKE_NODE_TAINT, "value": "true", "effect": "NoSchedule"}]}
        self.kubectl("apply", "-f", "-", input=json.dumps(node))

    def _node_ready(self) -> bool:
        node = self._api_get(f"/api/v1/nodes/{FAKE_NODE_NAME}")
        conditions = (node or {}).get("status", {}).get("conditions", [])
        return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)

    def _service_account_exists(self, namespace: str) -> bool:
        return self._api_get(f"/api/v1/namespaces/{namespace}/serviceaccounts/default") is not None
