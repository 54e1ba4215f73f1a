"""The main job: `make demo`.

1. starts the local control plane (hack/localcluster),
2. installs the PanelApp CRD and runs the operator against it,
3. applies examples/minimal.yaml and waits, printing progress, until the PanelApp is Ready,
4. serves PanelApp itself on its embedded default (SQLite and local files, demo data loaded)
   at a local address, and prints the address and the demo logins,
then keeps everything up until Ctrl-C and stops only what it started.

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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "hack"))

from localcluster import ControlPlane, ControlPlaneError, MissingToolError  # noqa: E402
from localcluster.controlplane import ensure_port_free, free_port  # noqa: E402
from localcluster.processes import terminate  # noqa: E402

DEMO_NAMESPACE = "panelapp-demo"
EXAMPLE = REPO / "examples" / "minimal.yaml"
CRD_DIR = REPO / "crds"
VENV_BIN = Path(sys.executable).parent


class DemoError(RuntimeError):
    pass


class Progress:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f}s] {message}", flush=True)


def wait_for(check, what: str, timeout: float, progress: Progress, describe=lambda: "") -> None:
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
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []

    # --------------------------------------------------------------------------- steps
    def start_cluster(self) -> None:
        self.progress("starting the local control plane (etcd, kube-apiserver, controller-manager, scheduler, KWOK)")
        shutil.rmtree(self.workdir / "cluster", ignore_errors=True)
        self.cluster = ControlPlane(workdir=self.workdir / "cluster").start()
        self.progress(f"control plane ready in {self.cluster.timings['total']:.1f} s at {self.cluster.server}")

    def install_crd(self) -> None:
        self.progress("installing the PanelApp CRD from crds/")
        self.cluster.kubectl("apply", "--server-side", "-f", str(CRD_DIR))

        # Poll rather than `kubectl wait`, which can give up at once on a CRD created a moment ago.
        def established() -> bool:
            result = self.cluster.kubectl(
                "get", "crd", "panelapps.panelapp.org", "-o",
                "jsonpath={.status.conditions[?(@.type=='Established')].status}", check=False)
            return result.stdout.strip() == "True"

        wait_for(established, "the PanelApp CRD to be established", 60, self.progress)

    def start_operator(self) -> None:
        self.progress("starting the operator (python -m panelapp_operator run)")
        log_path = self.workdir / "operator.log"
        env = self.cluster.env()
        # Free loopback ports for its liveness and metrics endpoints: the defaults (8080, 9090)
        # are often taken on a workstation.
        liveness_port, metrics_port = free_port(), free_port()
        self.spawn("operator", [sys.executable, "-m", "panelapp_operator", "run", "--liveness-host", "127.0.0.1",
                                "--liveness-port", str(liveness_port), "--metrics-port", str(metrics_port)],
                   env, log_path)
        liveness = f"http://127.0.0.1:{liveness_port}/healthz"

        def alive() -> bool:
            self.check_alive()
            try:
                with urllib.request.urlopen(liveness, timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(alive, f"the operator's liveness endpoint {liveness}", 60, self.progress)
        self.progress(f"operator running: liveness {liveness}, metrics http://127.0.0.1:{metrics_port}/metrics")

    def apply_example(self) -> None:
        self.progress(f"applying {EXAMPLE.relative_to(REPO)} in namespace {DEMO_NAMESPACE}")
        self.cluster.kubectl("create", "namespace", DEMO_NAMESPACE)
        self.cluster.kubectl("apply", "-n", DEMO_NAMESPACE, "-f", str(EXAMPLE))

        def panelapp_status() -> dict:
            result = self.cluster.kubectl("get", "panelapps", "-n", DEMO_NAMESPACE, "-o", "json", check=False)
            items = json.loads(result.stdout).get("items", []) if result.returncode == 0 else []
            return items[0].get("status", {}) if items else {}

        def ready() -> bool:
            self.check_alive()
            return panelapp_status().get("phase") == "Ready"

        def describe() -> str:
            status = panelapp_status()
            waiting = [c.get("type") for c in status.get("conditions", []) if c.get("status") != "True"]
            return f"PanelApp phase: {status.get('phase', '(no status yet)')}" + (
                f" (not yet: {', '.join(waiting)})" if waiting else "")

        wait_for(ready, "the example PanelApp to become Ready", self.args.timeout, self.progress, describe)
        self.progress("the example PanelApp is Ready:")
        print(self.cluster.kubectl("get", "panelapps", "-n", DEMO_NAMESPACE).stdout, flush=True)
        print(self.cluster.kubectl("get", "deployments,jobs,services,configmaps,serviceaccounts",
                                   "-n", DEMO_NAMESPACE).stdout, flush=True)

    def serve_panelapp(self) -> None:
        env = dict(os.environ)
        env.update({
            "DJANGO_SETTINGS_MODULE": "panelapp.settings.local",
            "PANELAPP_LOCAL_DIR": str(self.workdir / "panelapp"),
            "PANEL_APP_BASE_URL": f"http://{self.args.host}:{self.args.port}",
            "ALLOWED_HOSTS": ";".join(sorted({"localhost", "127.0.0.1", self.args.host})),
            "GUNICORN_BIND": f"{self.args.bind}:{self.args.port}",
            "GUNICORN_WORKERS": "2",
        })
        self.progress("preparing PanelApp on its embedded default (SQLite and local files)")
        for step in (["panelapp-migrate"], ["panelapp-collectstatic"], ["panelapp-manage", "load_demo_data"]):
            result = subprocess.run([app_command(step[0]), *step[1:]], env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise DemoError(f"`{' '.join(step)}` failed:\n{result.stderr[-3000:]}")
            if step[-1] == "load_demo_data":
                # The command's own summary (the logins); its JSON log lines stay out of the way.
                self.demo_logins = [line for line in result.stdout.splitlines()
                                    if line.strip() and not line.lstrip().startswith("{")]
        self.spawn("panelapp-web", [app_command("panelapp-web")], env, self.workdir / "panelapp-web.log")
        url = f"http://{self.args.host}:{self.args.port}/"

        def answers() -> bool:
            self.check_alive()
            try:
                with urllib.request.urlopen(url + "version/", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(answers, f"PanelApp to answer at {url}", 60, self.progress)
        with urllib.request.urlopen(url, timeout=10) as response:
            if response.status != 200 or b"PanelApp" not in response.read():
                raise DemoError(f"PanelApp's home page at {url} did not render")
        self.progress(f"PanelApp is up: open {url} in your browser")
        for line in self.demo_logins:
            print(f"    {line}", flush=True)

    # --------------------------------------------------------------------------- plumbing
    def spawn(self, name: str, argv: list[str], env: dict, log_path: Path) -> None:
        log = open(log_path, "wb")
        process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=REPO, start_new_session=True)
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
            self.cluster.stop()

    def run(self) -> int:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.demo_logins: list[str] = []
        try:
            # Say so now, not after a minute of setup, if PanelApp's port is taken.
            ensure_port_free(self.args.port, "PanelApp (choose another with --port or PANELAPP_DEMO_PORT)")
            self.start_cluster()
            self.install_crd()
            self.start_operator()
            self.apply_example()
            self.serve_panelapp()
            print(f"\nThe local control plane: export KUBECONFIG={self.cluster.kubeconfig}")
            print(f"                          export PATH={self.cluster.bin_path}:$PATH")
            print(f"                          kubectl get panelapps,deployments,jobs -n {DEMO_NAMESPACE}")
            print(f"Logs: {self.workdir}/operator.log, {self.workdir}/panelapp-web.log, {self.workdir}/cluster/")
            if self.args.exit_when_ready:
                self.progress("everything is up; stopping as asked (--exit-when-ready)")
                return 0
            print("Press Ctrl-C to stop everything.", flush=True)
            stop_requested = []
            signal.signal(signal.SIGTERM, lambda *_: stop_requested.append(True))
            while not stop_requested:
                time.sleep(1)
                self.check_alive()
            return 0
        except KeyboardInterrupt:
            return 0
        except (DemoError, ControlPlaneError, MissingToolError, subprocess.CalledProcessError) as error:
            detail = getattr(error, "stderr", "") or ""
            print(f"error: {error}\n{detail}".rstrip(), file=sys.stderr, flush=True)
            return 1
        finally:
            self.progress("stopping")
            self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=REPO / ".local" / "demo",
                        help="folder for the cluster, logs and PanelApp's local data (default: .local/demo)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PANELAPP_DEMO_PORT", "8000")),
                        help="port PanelApp listens on (default 8000, or PANELAPP_DEMO_PORT)")
    parser.add_argument("--host", default="localhost", help="host name to print and allow (default localhost)")
    parser.add_argument("--bind", default="127.0.0.1", help="address PanelApp binds to (default 127.0.0.1)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for the PanelApp to be Ready")
    parser.add_argument("--exit-when-ready", action="store_true", help="stop everything once it is all up")
    return Demo(parser.parse_args(argv)).run()


if __name__ == "__main__":
    sys.exit(main())
