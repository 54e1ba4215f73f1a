"""The main job: `make demo`.

With real pods (the default where containers can run: root, containerd's needs met):
1. starts the local control plane with a real node (containerd, runc, kubelet, kube-proxy),
2. builds the PanelApp image with buildah (cached by its inputs) and imports it into the node,
3. starts PostgreSQL, moto (S3, SQS) and an SMTP sink on the pod network's gateway,
4. installs the CRD, runs the operator, applies a PanelApp that uses those services, and waits,
   printing progress, until it is Ready (migration Job, collectstatic Job, web, worker, beat),
5. loads the demo data with a one-off Job running the image's own `load_demo_data`,
6. port-forwards the operator-managed web Service to localhost (static files are served from the
   moto bucket through a small local proxy), and prints the address and the demo logins.

Where containers cannot run, it says why and falls back to the KWOK-only mode: the operator
reconciles examples/minimal.yaml on KWOK stand-ins, and PanelApp itself is served beside it on its
embedded default (SQLite and local files). `--mode embedded` asks for that mode directly.

Everything stays up until Ctrl-C and only what the demo started is stopped.
`--exit-when-ready` stops everything once all of that has been verified (used by the tests).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Run as a script (`make demo`, the demo tests), so Python puts hack/ first on sys.path and the
# local cluster harness imports as `localcluster`.
from localcluster import ControlPlane, ControlPlaneError, MissingToolError, localapp
from localcluster.controlplane import ensure_port_free, free_port
from localcluster.images import APP_IMAGE, ImageBuildError, ImageCache
from localcluster.images import REPO as IMAGE_REPO
from localcluster.postgres import PostgresError
from localcluster.processes import terminate
from localcluster.realnode import POD_SUBNET, RealNode
from localcluster.static_proxy import BucketProxy

if TYPE_CHECKING:
    from aiosmtpd.smtp import SMTP, Envelope, Session

REPO = Path(__file__).resolve().parent.parent
DEMO_NAMESPACE = "panelapp-demo"
EXAMPLE = REPO / "examples" / "minimal.yaml"
CRD_DIR = REPO / "crds"
VENV_BIN = Path(sys.executable).parent


class DemoError(RuntimeError):
    pass


class MailLog:
    """The demo's SMTP sink: every message PanelApp sends is appended to a file to read."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        sender = (envelope.mail_from or "").encode()
        with open(self.path, "ab") as out:
            out.write(b"From " + sender + b"\n" + (envelope.original_content or b"") + b"\n\n")
        return "250 Message accepted for delivery"


class Progress:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f}s] {message}", flush=True)


def wait_for(
    check: Callable[[], bool],
    what: str,
    timeout: float,
    progress: Progress,
    describe: Callable[[], str] = lambda: "",
) -> None:
    deadline = time.monotonic() + timeout
    last_report = ""
    while time.monotonic() < deadline:
        if check():
            return
        report = describe()
        if report and report != last_report:
            progress(report)
            last_report = report
        time.sleep(0.5)
    raise DemoError(f"timed out after {timeout:.0f} s waiting for {what}")


def app_command(name: str) -> str:
    path = VENV_BIN / name
    if not path.exists():
        raise DemoError(f"{path} is missing: run `make setup` (it installs the project into .venv)")
    return str(path)


class Demo:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workdir: Path = args.workdir.resolve()
        self.progress = Progress()
        self.cluster: ControlPlane | None = None
        self.real = False
        self.services: localapp.PodNetworkServices | None = None
        self.proxy: BucketProxy | None = None
        self.processes: list[tuple[str, subprocess.Popen[bytes], Path]] = []
        self.demo_logins: list[str] = []

    # --------------------------------------------------------------------------- started parts
    # Each step needs what an earlier one started; these say so plainly when one was skipped.
    @property
    def plane(self) -> ControlPlane:
        if self.cluster is None:
            raise DemoError("the local control plane is not started")
        return self.cluster

    @property
    def node(self) -> RealNode:
        if self.plane.node is None:
            raise DemoError("the local control plane has no real node")
        return self.plane.node

    @property
    def pod_services(self) -> localapp.PodNetworkServices:
        if self.services is None:
            raise DemoError("the services on the pod network are not started")
        return self.services

    @property
    def bucket_proxy(self) -> BucketProxy:
        if self.proxy is None:
            raise DemoError("the static and media proxy is not started")
        return self.proxy

    # --------------------------------------------------------------------------- steps
    def start_cluster(self) -> None:
        shutil.rmtree(self.workdir / "cluster", ignore_errors=True)
        if self.args.mode in ("auto", "real"):
            self.progress(
                "starting the local control plane with a real node (etcd, kube-apiserver, "
                "controller-manager, scheduler, KWOK; containerd, runc, kubelet, kube-proxy)"
            )
            try:
                self.cluster = ControlPlane(workdir=self.workdir / "cluster", real_node=True).start()
                self.real = True
            except (ControlPlaneError, MissingToolError) as error:
                if self.args.mode == "real":
                    raise
                self.progress(
                    f"real pods cannot run on this machine, so the demo falls back to KWOK stand-ins "
                    f"and the embedded default. The reason:\n{error}"
                )
                shutil.rmtree(self.workdir / "cluster", ignore_errors=True)
        if self.cluster is None:
            self.progress(
                "starting the local control plane (etcd, kube-apiserver, controller-manager, scheduler, KWOK)"
            )
            self.cluster = ControlPlane(workdir=self.workdir / "cluster").start()
        self.progress(f"control plane ready in {self.cluster.timings['total']:.1f} s at {self.cluster.server}")

    def install_crd(self) -> None:
        self.progress("installing the PanelApp CRDs from crds/")
        self.plane.apply_crds(CRD_DIR)

    def start_operator(self) -> None:
        self.progress("starting the operator (python -m panelapp_operator run)")
        log_path = self.workdir / "operator.log"
        env = self.plane.env()
        # Free loopback ports for its liveness and metrics endpoints: the defaults (8080, 9090)
        # are often taken on a workstation.
        liveness_port, metrics_port = free_port(), free_port()
        self.spawn(
            "operator",
            [
                sys.executable,
                "-m",
                "panelapp_operator",
                "run",
                "--liveness-host",
                "127.0.0.1",
                "--liveness-port",
                str(liveness_port),
                "--metrics-port",
                str(metrics_port),
            ],
            env,
            log_path,
        )
        liveness = f"http://127.0.0.1:{liveness_port}/healthz"

        def alive() -> bool:
            self.check_alive()
            try:
                with urllib.request.urlopen(liveness, timeout=2) as response:
                    status: int = response.status
                    return status == 200
            except OSError:
                return False

        wait_for(alive, f"the operator's liveness endpoint {liveness}", 60, self.progress)
        self.progress(f"operator running: liveness {liveness}, metrics http://127.0.0.1:{metrics_port}/metrics")

    def import_image(self) -> None:
        cache = ImageCache(self.plane.toolbox)
        self.progress(
            "building the PanelApp image with buildah (cached by its inputs; the first build takes "
            "minutes) and importing it into the node's containerd"
        )
        archive = cache.archive(IMAGE_REPO / "Dockerfile.app", APP_IMAGE)
        self.node.import_archive(archive)
        self.progress(f"image {APP_IMAGE} imported from {archive}")

    def start_services(self) -> None:
        gateway = self.node.gateway
        self.progress(f"starting PostgreSQL, moto (S3, SQS) and an SMTP sink on the pod network's gateway {gateway}")
        shutil.rmtree(self.workdir / "services", ignore_errors=True)
        self.mailbox = MailLog(self.workdir / "mail.log")
        services = localapp.PodNetworkServices.start(self.workdir / "services", gateway, POD_SUBNET, self.mailbox)
        self.services = services
        self.resources = services.make_instance(DEMO_NAMESPACE)
        self.proxy = BucketProxy(
            lambda: services.boto("s3"),
            {"static": self.resources.static_bucket, "media": self.resources.media_bucket},
        )
        self.proxy.start("127.0.0.1", self.args.static_port or free_port())

    def apply_real(self) -> None:
        self.progress(f"applying a PanelApp on the real node in namespace {DEMO_NAMESPACE}")
        self.plane.kubectl("create", "namespace", DEMO_NAMESPACE)
        for name, data in localapp.secrets(self.pod_services).items():
            self.plane.kubectl(
                "create",
                "secret",
                "generic",
                name,
                "-n",
                DEMO_NAMESPACE,
                *[f"--from-literal={k}={v}" for k, v in data.items()],
            )
        public = f"localhost:{self.bucket_proxy.port}"
        spec = localapp.panelapp_spec(
            self.pod_services,
            self.resources,
            APP_IMAGE,
            host=self.args.host,
            base_url=f"http://{self.args.host}:{self.args.port}",
            extra_hosts=("127.0.0.1",),
            static_domain=public,
            media_domain=public,
            env=[{"name": "AWS_S3_URL_PROTOCOL", "value": "http:"}],
        )
        resource = {
            "apiVersion": "panelapp.org/v1alpha1",
            "kind": "PanelApp",
            "metadata": {"name": "panelapp", "namespace": DEMO_NAMESPACE},
            "spec": spec,
        }
        self.plane.kubectl("apply", "-f", "-", input=json.dumps(resource))
        self.wait_ready()

    def load_demo_data_job(self) -> None:
        """A one-off Job with the web pods' image, environment and ServiceAccount."""
        self.progress("loading the demo data with a one-off Job (panelapp-manage load_demo_data)")
        web = json.loads(
            self.plane.kubectl("get", "deployment", "panelapp-web", "-n", DEMO_NAMESPACE, "-o", "json").stdout
        )
        template = web["spec"]["template"]
        pod = template["spec"]
        [container] = [c for c in pod["containers"] if c["name"] == "web"]
        container = {
            k: v
            for k, v in container.items()
            if k not in ("livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "ports")
        }
        container.update(name="load-demo-data", command=["panelapp-manage", "load_demo_data"])
        job = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "panelapp-demo-data", "namespace": DEMO_NAMESPACE},
            "spec": {
                "backoffLimit": 0,
                "ttlSecondsAfterFinished": 3600,
                "template": {
                    "metadata": {
                        "labels": {"app.kubernetes.io/name": "panelapp", "app.kubernetes.io/component": "demo-data"}
                    },
                    "spec": {**pod, "containers": [container], "restartPolicy": "Never"},
                },
            },
        }
        self.plane.kubectl("apply", "-f", "-", input=json.dumps(job))

        def finished() -> bool:
            status = json.loads(
                self.plane.kubectl("get", "job", "panelapp-demo-data", "-n", DEMO_NAMESPACE, "-o", "json").stdout
            ).get("status", {})
            if status.get("failed"):
                logs = self.plane.kubectl("logs", "-n", DEMO_NAMESPACE, "job/panelapp-demo-data", check=False)
                raise DemoError(f"the demo-data Job failed:\n{logs.stdout[-3000:]}{logs.stderr[-1000:]}")
            return bool(status.get("succeeded"))

        wait_for(finished, "the demo-data Job", 300, self.progress)
        logs = self.plane.kubectl("logs", "-n", DEMO_NAMESPACE, "job/panelapp-demo-data").stdout
        self.demo_logins = [line for line in logs.splitlines() if line.strip() and not line.lstrip().startswith("{")]

    def port_forward(self) -> None:
        self.progress(f"port-forwarding the web Service to {self.args.bind}:{self.args.port}")
        self.spawn(
            "port-forward",
            [
                str(self.plane.toolbox.path("kubectl")),
                "port-forward",
                "-n",
                DEMO_NAMESPACE,
                "--address",
                self.args.bind,
                "service/panelapp",
                f"{self.args.port}:http",
            ],
            self.plane.env(),
            self.workdir / "port-forward.log",
        )
        url = f"http://{self.args.host}:{self.args.port}/"
        self.check_home_page(url)
        static = f"http://localhost:{self.bucket_proxy.port}/static/admin/css/base.css"
        try:
            with urllib.request.urlopen(static, timeout=10) as response:
                response.read()
        except OSError as error:
            raise DemoError(f"static files are not served at {static}: {error}") from None
        self.progress(f"PanelApp is up, served by the operator's pods: open {url} in your browser")
        for line in self.demo_logins:
            print(f"    {line}", flush=True)

    def apply_example(self) -> None:
        self.progress(f"applying {EXAMPLE.relative_to(REPO)} in namespace {DEMO_NAMESPACE}")
        self.plane.kubectl("create", "namespace", DEMO_NAMESPACE)
        self.plane.kubectl("apply", "-n", DEMO_NAMESPACE, "-f", str(EXAMPLE))
        self.wait_ready()

    def wait_ready(self) -> None:
        def panelapp_status() -> dict[str, Any]:
            result = self.plane.kubectl("get", "panelapps", "-n", DEMO_NAMESPACE, "-o", "json", check=False)
            items = json.loads(result.stdout).get("items", []) if result.returncode == 0 else []
            status: dict[str, Any] = items[0].get("status", {}) if items else {}
            return status

        def ready() -> bool:
            self.check_alive()
            return panelapp_status().get("phase") == "Ready"

        def describe() -> str:
            status = panelapp_status()
            waiting = [c.get("type") for c in status.get("conditions", []) if c.get("status") != "True"]
            return f"PanelApp phase: {status.get('phase', '(no status yet)')}" + (
                f" (not yet: {', '.join(waiting)})" if waiting else ""
            )

        wait_for(ready, "the PanelApp to become Ready", self.args.timeout, self.progress, describe)
        self.progress("the example PanelApp is Ready:")
        print(self.plane.kubectl("get", "panelapps", "-n", DEMO_NAMESPACE).stdout, flush=True)
        print(
            self.plane.kubectl(
                "get", "deployments,jobs,services,configmaps,serviceaccounts", "-n", DEMO_NAMESPACE
            ).stdout,
            flush=True,
        )

    def serve_panelapp(self) -> None:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "panelapp.settings.local",
                "PANELAPP_LOCAL_DIR": str(self.workdir / "panelapp"),
                "PANEL_APP_BASE_URL": f"http://{self.args.host}:{self.args.port}",
                "ALLOWED_HOSTS": ";".join(sorted({"localhost", "127.0.0.1", self.args.host})),
                "GUNICORN_BIND": f"{self.args.bind}:{self.args.port}",
                "GUNICORN_WORKERS": "2",
            }
        )
        self.progress("preparing PanelApp on its embedded default (SQLite and local files)")
        for step in (["panelapp-migrate"], ["panelapp-collectstatic"], ["panelapp-manage", "load_demo_data"]):
            result = subprocess.run([app_command(step[0]), *step[1:]], env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise DemoError(f"`{' '.join(step)}` failed:\n{result.stderr[-3000:]}")
            if step[-1] == "load_demo_data":
                # The command's own summary (the logins); its JSON log lines stay out of the way.
                self.demo_logins = [
                    line for line in result.stdout.splitlines() if line.strip() and not line.lstrip().startswith("{")
                ]
        self.spawn("panelapp-web", [app_command("panelapp-web")], env, self.workdir / "panelapp-web.log")
        url = f"http://{self.args.host}:{self.args.port}/"
        self.check_home_page(url)
        self.progress(f"PanelApp is up on its embedded default (not the operator's pods): open {url} in your browser")
        for line in self.demo_logins:
            print(f"    {line}", flush=True)

    def check_home_page(self, url: str) -> None:
        def answers() -> bool:
            self.check_alive()
            try:
                with urllib.request.urlopen(url + "version/", timeout=2) as response:
                    status: int = response.status
                    return status == 200
            except OSError:
                return False

        wait_for(answers, f"PanelApp to answer at {url}", 60, self.progress)
        with urllib.request.urlopen(url, timeout=10) as response:
            if response.status != 200 or b"PanelApp" not in response.read():
                raise DemoError(f"PanelApp's home page at {url} did not render")

    # --------------------------------------------------------------------------- plumbing
    def spawn(self, name: str, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        with open(log_path, "wb") as log:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(
                argv,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=REPO,
                start_new_session=True,
            )
        self.processes.append((name, process, log_path))

    def check_alive(self) -> None:
        for name, process, log_path in self.processes:
            if process.poll() is not None:
                tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
                raise DemoError(f"{name} exited with code {process.returncode}; its log {log_path} ends with:\n{tail}")

    def stop(self) -> None:
        for _name, process, _log in reversed(self.processes):
            terminate(process, timeout=20, group=True)  # gunicorn forks workers
        if self.cluster:
            self.cluster.stop()  # the real node's pods first, while the services still answer
        if self.proxy:
            self.proxy.stop()
        if self.services:
            self.services.stop()

    def run(self) -> int:
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            # Say so now, not after a minute of setup, if PanelApp's port is taken.
            ensure_port_free(self.args.port, "PanelApp (choose another with --port or PANELAPP_DEMO_PORT)")
            self.start_cluster()
            if self.real:
                self.import_image()
                self.start_services()
            self.install_crd()
            self.start_operator()
            if self.real:
                self.apply_real()
                self.load_demo_data_job()
                self.port_forward()
            else:
                self.apply_example()
                self.serve_panelapp()
            print(f"\nThe local control plane: export KUBECONFIG={self.plane.kubeconfig}")
            print(f"                          export PATH={self.plane.bin_path}:$PATH")
            print(f"                          kubectl get panelapps,pods,jobs -n {DEMO_NAMESPACE}")
            if self.real:
                print(
                    f"Logs: {self.workdir}/operator.log, kubectl logs -n {DEMO_NAMESPACE} deploy/panelapp-web, "
                    f"{self.workdir}/cluster/ (the node's too); mail sent: {self.workdir}/mail.log"
                )
            else:
                print(f"Logs: {self.workdir}/operator.log, {self.workdir}/panelapp-web.log, {self.workdir}/cluster/")
            if self.args.exit_when_ready:
                self.progress("everything is up; stopping as asked (--exit-when-ready)")
                return 0
            print("Press Ctrl-C to stop everything.", flush=True)
            stop_requested: list[bool] = []
            signal.signal(signal.SIGTERM, lambda *_: stop_requested.append(True))
            while not stop_requested:
                time.sleep(1)
                self.check_alive()
            return 0
        except KeyboardInterrupt:
            return 0
        except (
            DemoError,
            ControlPlaneError,
            MissingToolError,
            ImageBuildError,
            PostgresError,
            subprocess.CalledProcessError,
        ) as error:
            detail = getattr(error, "stderr", "") or ""
            print(f"error: {error}\n{detail}".rstrip(), file=sys.stderr, flush=True)
            return 1
        finally:
            self.progress("stopping")
            self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=REPO / ".local" / "demo",
        help="folder for the cluster, logs and PanelApp's local data (default: .local/demo)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PANELAPP_DEMO_PORT", "8000")),
        help="port PanelApp listens on (default 8000, or PANELAPP_DEMO_PORT)",
    )
    parser.add_argument("--host", default="localhost", help="host name to print and allow (default localhost)")
    parser.add_argument("--bind", default="127.0.0.1", help="address PanelApp binds to (default 127.0.0.1)")
    parser.add_argument("--timeout", type=float, default=420, help="seconds to wait for the PanelApp to be Ready")
    parser.add_argument(
        "--mode",
        choices=("auto", "real", "embedded"),
        default=os.environ.get("PANELAPP_DEMO_MODE", "auto"),
        help="real: PanelApp in the operator's pods on a real node; embedded: KWOK stand-ins and "
        "PanelApp on its embedded default beside them; auto (default): real where containers "
        "can run, else embedded (PANELAPP_DEMO_MODE)",
    )
    parser.add_argument(
        "--static-port",
        type=int,
        default=0,
        help="port of the local proxy serving static and media files in real mode (default: free)",
    )
    parser.add_argument("--exit-when-ready", action="store_true", help="stop everything once it is all up")
    return Demo(parser.parse_args(argv)).run()


if __name__ == "__main__":
    sys.exit(main())
