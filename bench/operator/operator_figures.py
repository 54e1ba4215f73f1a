"""Figures for the PanelApp operator on the local control plane (KWOK), in one run:

1. apply -> Ready for one PanelApp, beside `kubectl apply` of the same `render` output -> every
   Deployment Available (the ratio is the operator's overhead while it also gates the migration);
2. image bump -> migration Job created;
3. N PanelApps across M namespaces, all Ready, and the operator's peak resident memory meanwhile;
4. API write calls per fresh create and per converged resync (from the operator's /metrics).

    .venv/bin/python bench/operator/operator_figures.py [--panelapps 100] [--namespaces 10] [--rounds 3]

Figures are printed (and written to bench/results/operator.json); nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml
from kubernetes import client, watch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hack"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "operator"))

from localcluster import ControlPlane
from panelapp_operator import metrics

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "minimal.yaml"
CRD = REPO / "crds" / "panelapp.org_panelapps.yaml"
GROUP, VERSION, PLURAL = "panelapp.org", "v1alpha1", "panelapps"
RESYNC_SECONDS = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The fake node offers 64 CPUs; a hundred PanelApps at the default requests (about 0.8 CPU each)
# would not fit, and the figure is about the operator, not the node. The fleet asks for less.
SMALL = {"requests": {"cpu": "20m", "memory": "64Mi"}}
FLEET_RESOURCES = {
    "web": {"resources": SMALL},
    "worker": {"resources": SMALL},
    "beat": {"resources": SMALL},
    "migrations": {"resources": SMALL},
    "collectstatic": {"resources": SMALL},
}


def example(small: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(EXAMPLE.read_text()) if d]
    secret = next(d for d in docs if d["kind"] == "Secret")
    panelapp = next(d for d in docs if d["kind"] == "PanelApp")
    if small:
        panelapp["spec"].update(FLEET_RESOURCES)
    return secret, panelapp


class Bench:
    def __init__(self, plane: ControlPlane, workdir: Path):
        self.plane = plane
        self.workdir = workdir
        self.api = plane.api_client()
        self.core = client.CoreV1Api(self.api)
        self.apps = client.AppsV1Api(self.api)
        self.batch = client.BatchV1Api(self.api)
        self.custom = client.CustomObjectsApi(self.api)
        self.operator: subprocess.Popen | None = None
        self.metrics_port = free_port()

    # --- setup -----------------------------------------------------------------------------------

    def install_crd(self) -> None:
        self.plane.apply_crds(CRD)

    def start_operator(self) -> None:
        log = (self.workdir / "operator.log").open("ab")
        self.operator = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "panelapp_operator",
                "run",
                "--all-namespaces",
                "--liveness-host",
                "127.0.0.1",
                "--liveness-port",
                str(free_port()),
                "--metrics-port",
                str(self.metrics_port),
                "--resync-seconds",
                str(RESYNC_SECONDS),
                "--log-format",
                "plain",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.plane.env(),
            cwd=REPO,
            start_new_session=True,
        )
        self._until(self._metrics_up, 60)

    def stop_operator(self) -> None:
        if self.operator and self.operator.poll() is None:
            self.operator.send_signal(signal.SIGTERM)
            try:
                self.operator.wait(20)
            except subprocess.TimeoutExpired:
                self.operator.kill()

    def _metrics_up(self) -> bool:
        try:
            self.counters()
            return True
        except OSError:
            return False

    def counters(self) -> dict[str, float]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as response:
            return metrics.totals(response.read().decode())

    def operator_peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.operator.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def namespace(self, name: str) -> str:
        self.core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
        self._until(
            lambda: self.core.list_namespaced_service_account(name, field_selector="metadata.name=default").items, 30
        )
        return name

    @staticmethod
    def _until(check, timeout: float, interval: float = 0.1) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if check():
                return time.monotonic() - started
            time.sleep(interval)
        raise TimeoutError(f"not reached within {timeout}s")

    # --- figures ---------------------------------------------------------------------------------

    def create_panelapp(self, namespace: str, name: str = "panelapp") -> None:
        secret, panelapp = example()
        self.core.create_namespaced_secret(namespace, secret)
        body = {**panelapp, "metadata": {"name": name, "namespace": namespace}}
        self.custom.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, body)

    def ready(self, namespace: str, name: str = "panelapp", image: str | None = None) -> bool:
        status = self.custom.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, name).get("status") or {}
        return status.get("phase") == "Ready" and (image is None or status.get("image") == image)

    def operator_apply_to_ready(self, namespace: str) -> float:
        started = time.monotonic()
        self.create_panelapp(namespace)
        self._until(lambda: self.ready(namespace), 180, interval=0.05)
        return time.monotonic() - started

    def kubectl_apply_to_available(self, namespace: str) -> float:
        secret, _ = example()
        self.core.create_namespaced_secret(namespace, secret)
        rendered = subprocess.run(
            [sys.executable, "-m", "panelapp_operator", "render", str(EXAMPLE), "--namespace", namespace],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        ).stdout
        started = time.monotonic()
        self.plane.kubectl("apply", "-f", "-", input=rendered)

        def available() -> bool:
            deployments = self.apps.list_namespaced_deployment(namespace).items
            return len(deployments) == 3 and all(
                (d.status.available_replicas or 0) == d.spec.replicas
                and (d.status.updated_replicas or 0) == d.spec.replicas
                for d in deployments
            )

        self._until(available, 180, interval=0.05)
        return time.monotonic() - started

    def bump_to_job_created(self, namespace: str, image: str) -> float:
        seen = threading.Event()
        stop = watch.Watch()

        def watch_jobs() -> None:
            for event in stop.stream(
                self.batch.list_namespaced_job,
                namespace,
                timeout_seconds=60,
                label_selector="app.kubernetes.io/component=migrate",
            ):
                job = event["object"]
                if event["type"] == "ADDED" and job.metadata.annotations.get("panelapp.org/image") == image:
                    seen.set()
                    stop.stop()
                    return

        watcher = threading.Thread(target=watch_jobs, daemon=True)
        watcher.start()
        time.sleep(0.5)  # let the watch start
        started = time.monotonic()
        self.custom.patch_namespaced_custom_object(
            GROUP, VERSION, namespace, PLURAL, "panelapp", {"spec": {"image": image}}
        )
        seen.wait(60)
        elapsed = time.monotonic() - started
        self._until(lambda: self.ready(namespace, image=image), 120)
        return elapsed

    def quiet(self, settle: float = 3.0) -> dict[str, float]:
        """Counters once no more writes happen."""
        while True:
            before = self.counters()
            time.sleep(settle)
            after = self.counters()
            if after["write"] == before["write"]:
                return after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--panelapps", type=int, default=100)
    parser.add_argument("--namespaces", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="repetitions of the single-PanelApp figures")
    args = parser.parse_args()
    figures: dict[str, Any] = {}

    with tempfile.TemporaryDirectory(prefix="panelapp-bench-") as tmp:
        workdir = Path(tmp)
        plane = ControlPlane(workdir=workdir / "cluster").start()
        bench = Bench(plane, workdir)
        try:
            bench.install_crd()
            bench.start_operator()
            print(f"control plane up in {plane.timings['total']:.1f} s; operator started")

            operator_times, kubectl_times, bump_times, create_writes = [], [], [], []
            for round_ in range(args.rounds):
                before = bench.quiet(1.0)
                operator_times.append(bench.operator_apply_to_ready(bench.namespace(f"single-{round_}")))
                after = bench.quiet()
                create_writes.append((after["write"] - before["write"], after["dry_run"] - before["dry_run"]))
                kubectl_times.append(bench.kubectl_apply_to_available(bench.namespace(f"baseline-{round_}")))
                bump_times.append(
                    bench.bump_to_job_created(
                        f"single-{round_}", f"ghcr.io/panelapp-operator/panelapp:0.1.{round_ + 1}"
                    )
                )
            figures["operator_apply_to_ready_s"] = statistics.median(operator_times)
            figures["kubectl_apply_to_available_s"] = statistics.median(kubectl_times)
            figures["overhead_ratio"] = figures["operator_apply_to_ready_s"] / figures["kubectl_apply_to_available_s"]
            figures["image_bump_to_migration_job_s"] = statistics.median(bump_times)
            figures["writes_per_fresh_create"] = statistics.median(w for w, _ in create_writes)
            figures["dry_runs_per_fresh_create"] = statistics.median(d for _, d in create_writes)
            print(
                f"apply -> Ready (operator, median of {args.rounds}):            "
                f"{figures['operator_apply_to_ready_s']:.2f} s  {[f'{t:.2f}' for t in operator_times]}"
            )
            print(
                f"kubectl apply of the render output -> Available (median):  "
                f"{figures['kubectl_apply_to_available_s']:.2f} s  {[f'{t:.2f}' for t in kubectl_times]}"
            )
            print(f"overhead ratio (goal < 1.5):                               {figures['overhead_ratio']:.2f}")
            print(
                f"image bump -> migration Job created (goal < 2 s):          "
                f"{figures['image_bump_to_migration_job_s']:.3f} s  {[f'{t:.3f}' for t in bump_times]}"
            )
            print(
                f"API writes per fresh create (+ dry runs):                  "
                f"{figures['writes_per_fresh_create']:.0f} (+ {figures['dry_runs_per_fresh_create']:.0f})"
            )

            # Many PanelApps at once.
            namespaces = [bench.namespace(f"fleet-{i}") for i in range(args.namespaces)]
            before = bench.quiet(1.0)
            started = time.monotonic()
            keys = []
            for index in range(args.panelapps):
                namespace = namespaces[index % len(namespaces)]
                name = f"panelapp-{index // len(namespaces)}"
                secret, panelapp = example(small=True)
                if name == "panelapp-0":
                    bench.core.create_namespaced_secret(namespace, secret)
                bench.custom.create_namespaced_custom_object(
                    GROUP, VERSION, namespace, PLURAL, {**panelapp, "metadata": {"name": name, "namespace": namespace}}
                )
                keys.append((namespace, name))
            created = time.monotonic() - started

            def all_ready() -> bool:
                items = bench.custom.list_cluster_custom_object(GROUP, VERSION, PLURAL)["items"]
                fleet = [i for i in items if i["metadata"]["namespace"].startswith("fleet-")]
                return len(fleet) == len(keys) and all((i.get("status") or {}).get("phase") == "Ready" for i in fleet)

            bench._until(all_ready, 600, interval=0.5)
            figures["fleet_all_ready_s"] = time.monotonic() - started
            figures["fleet_size"] = args.panelapps
            figures["operator_peak_rss_mb"] = bench.operator_peak_rss_mb()
            after = bench.quiet()
            figures["fleet_writes_per_create"] = (after["write"] - before["write"]) / args.panelapps
            print(
                f"{args.panelapps} PanelApps in {args.namespaces} namespaces all Ready (goal < 120 s): "
                f"{figures['fleet_all_ready_s']:.1f} s (created in {created:.1f} s)"
            )
            print(
                f"operator peak resident memory (goal < 200 MB):             {figures['operator_peak_rss_mb']:.0f} MB"
            )
            print(
                f"API writes per create in the fleet:                        {figures['fleet_writes_per_create']:.1f}"
            )

            # Converged resyncs of everything.
            total = len(keys) + args.rounds
            start = bench.counters()
            time.sleep(RESYNC_SECONDS * 3 + 2)
            end = bench.counters()
            resyncs = (end["reconciles"] - start["reconciles"]) / total
            figures["converged_resync_rounds_observed"] = resyncs
            figures["writes_per_converged_resync"] = (end["write"] - start["write"]) / max(resyncs, 1)
            figures["reads_per_converged_reconcile"] = (end["read"] - start["read"]) / max(
                end["reconciles"] - start["reconciles"], 1
            )
            print(
                f"API writes per converged resync of {total} PanelApps (goal 0): "
                f"{figures['writes_per_converged_resync']:.0f} over {resyncs:.1f} resync rounds"
            )
            print(
                f"API reads per converged reconcile (referenced Secrets):    "
                f"{figures['reads_per_converged_reconcile']:.2f}"
            )
        finally:
            bench.stop_operator()
            plane.stop()

    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "operator.json").write_text(json.dumps(figures, indent=2))
    print(f"written to {(results / 'operator.json').relative_to(REPO)}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
