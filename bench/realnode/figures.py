"""Figures of PanelApp on the real node (printed, never asserted):

- apply -> the first HTTP 200 from an operator-run web pod, through the Service (images cached);
- resident memory of a web and a worker pod (their cgroups' RSS);
- an upgrade with a migration (v1 -> v2) under 20 requests a second: its total time, the failed
  requests, and the ratio to a baseline on the same node: the same migration Job run by hand plus a
  plain `kubectl set image` rollout of the web Deployment, on a second instance whose operator is
  suspended.

    .venv/bin/python bench/realnode/figures.py   (as root: the real node needs it)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hack"))

from localcluster import ControlPlane, localapp
from localcluster.images import APP_IMAGE, V2_MIGRATION, ImageCache
from localcluster.processes import terminate
from localcluster.realnode import CGROUP_ROOT, POD_SUBNET
from localcluster.traffic import HOST, SteadyLoad, http_request

REPO = Path(__file__).resolve().parents[2]
V2 = "localhost/panelapp:v2"
CRD = REPO / "crds" / "panelapp.org_panelapps.yaml"


class Sink:
    async def handle_DATA(self, server, session, envelope) -> str:
        return "250 OK"


def wait(check, what: str, timeout: float = 600, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise SystemExit(f"timed out waiting for {what}")


def get(cluster: ControlPlane, *args: str) -> dict:
    return json.loads(cluster.kubectl("get", *args, "-o", "json").stdout)


def phase(cluster: ControlPlane, namespace: str) -> tuple[str, str]:
    status = get(cluster, "panelapp", "panelapp", "-n", namespace).get("status", {})
    return status.get("phase", ""), status.get("image", "")


def service_address(cluster: ControlPlane, namespace: str) -> tuple[str, int] | None:
    result = cluster.kubectl("get", "service", "panelapp", "-n", namespace, "-o", "json", check=False)
    if result.returncode != 0:
        return None
    spec = json.loads(result.stdout)["spec"]
    return spec["clusterIP"], spec["ports"][0]["port"]


def first_ok(address: tuple[str, int]) -> bool:
    try:
        return http_request(*address, "GET", "/api/v1/panels/", timeout=2).status == 200
    except OSError:
        return False


def pod_rss_mib(cluster: ControlPlane, namespace: str, component: str) -> float:
    pods = get(cluster, "pods", "-n", namespace, "-l", f"app.kubernetes.io/component={component}")["items"]
    uid = pods[0]["metadata"]["uid"]
    for stat in Path("/sys/fs/cgroup/memory", CGROUP_ROOT.strip("/")).rglob("memory.stat"):
        if stat.parent.name.endswith(uid) or stat.parent.name.endswith(uid.replace("-", "_")):
            values = dict(line.split() for line in stat.read_text().splitlines())
            return int(values["total_rss"]) / 2**20
    return float("nan")


def create(cluster: ControlPlane, services, namespace: str, image: str) -> None:
    cluster.kubectl("create", "namespace", namespace)
    for name, data in localapp.secrets(services).items():
        cluster.kubectl(
            "create", "secret", "generic", name, "-n", namespace, *[f"--from-literal={k}={v}" for k, v in data.items()]
        )
    spec = localapp.panelapp_spec(
        services, services.make_instance(namespace), image, host=HOST, base_url=f"https://{HOST}"
    )
    cluster.kubectl(
        "apply",
        "-f",
        "-",
        input=json.dumps(
            {
                "apiVersion": "panelapp.org/v1alpha1",
                "kind": "PanelApp",
                "metadata": {"name": "panelapp", "namespace": namespace},
                "spec": spec,
            }
        ),
    )


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="panelapp-bench-realnode-"))
    cluster = ControlPlane(workdir=workdir / "cluster", real_node=True).start()
    services = operator = None
    try:
        cache = ImageCache(cluster.toolbox)
        v1 = cache.archive(REPO / "Dockerfile.app", APP_IMAGE)
        v2 = cache.derived(v1, APP_IMAGE, V2, dict([V2_MIGRATION]))
        for archive in (v1, v2):
            cluster.node.import_archive(archive)
        services = localapp.PodNetworkServices.start(workdir / "services", cluster.node.gateway, POD_SUBNET, Sink())
        cluster.apply_crds(CRD)
        port = 18000 + os.getpid() % 1000
        with open(workdir / "operator.log", "wb") as operator_log:  # the child keeps its own descriptor
            operator = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "panelapp_operator",
                    "run",
                    "--liveness-host",
                    "127.0.0.1",
                    "--liveness-port",
                    str(port),
                    "--metrics-port",
                    str(port + 1),
                ],
                env=cluster.env(),
                stdout=operator_log,
                stderr=subprocess.STDOUT,
                cwd=REPO,
                start_new_session=True,
            )

        def operator_up() -> bool:
            if operator.poll() is not None:
                raise SystemExit(f"the operator exited; see {workdir / 'operator.log'}")
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200
            except OSError:
                return False

        wait(operator_up, "the operator", 60)

        print(f"machine load before: {os.getloadavg()[0]:.2f}")
        started = time.monotonic()
        create(cluster, services, "bench-a", APP_IMAGE)
        address = wait(lambda: service_address(cluster, "bench-a"), "the Service")
        wait(lambda: first_ok(address), "the first HTTP 200")
        print(f"apply -> first HTTP 200 from an operator-run web pod: {time.monotonic() - started:.1f} s (goal < 60 s)")
        wait(lambda: phase(cluster, "bench-a") == ("Ready", APP_IMAGE), "Ready")
        print(f"apply -> Ready: {time.monotonic() - started:.1f} s")
        time.sleep(10)
        print(
            f"resident memory: web pod {pod_rss_mib(cluster, 'bench-a', 'web'):.0f} MiB, "
            f"worker pod {pod_rss_mib(cluster, 'bench-a', 'worker'):.0f} MiB"
        )

        # The baseline instance, Ready on v1 before the measured upgrade, then suspended.
        create(cluster, services, "bench-b", APP_IMAGE)
        wait(lambda: phase(cluster, "bench-b") == ("Ready", APP_IMAGE), "instance b Ready")
        cluster.kubectl(
            "patch", "panelapp", "panelapp", "-n", "bench-b", "--type=merge", "-p", '{"spec": {"suspend": true}}'
        )
        wait(lambda: phase(cluster, "bench-b")[0] == "Suspended", "instance b suspended")

        with SteadyLoad(*address, rate=20) as load:
            time.sleep(2)
            started = time.monotonic()
            cluster.kubectl(
                "patch",
                "panelapp",
                "panelapp",
                "-n",
                "bench-a",
                "--type=merge",
                "-p",
                json.dumps({"spec": {"image": V2}}),
            )
            wait(lambda: phase(cluster, "bench-a") == ("Ready", V2), "Ready on v2")
            operator_seconds = time.monotonic() - started
            time.sleep(2)
        print(
            f"upgrade v1 -> v2 with a migration under {load.rate:.0f} req/s: {operator_seconds:.1f} s, "
            f"{len(load.failures)} failed of {load.ok + len(load.failures)} requests (goal 0)"
        )

        # Baseline: the same migration Job by hand, then a plain rollout of the web Deployment.
        job = next(
            j
            for j in get(cluster, "jobs", "-n", "bench-a", "-l", "app.kubernetes.io/component=migrate")["items"]
            if j["metadata"].get("annotations", {}).get("panelapp.org/image") == V2
        )
        template = job["spec"]["template"]
        for key in ("controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name"):
            template["metadata"].get("labels", {}).pop(key, None)
        manual = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "manual-migrate", "namespace": "bench-b"},
            "spec": {"backoffLimit": 0, "template": template},
        }
        started = time.monotonic()
        cluster.kubectl("apply", "-f", "-", input=json.dumps(manual))
        cluster.kubectl(
            "wait", "-n", "bench-b", "--for=condition=Complete", "job/manual-migrate", "--timeout=600s", timeout=660
        )
        job_seconds = time.monotonic() - started
        started = time.monotonic()
        cluster.kubectl("set", "image", "-n", "bench-b", "deployment/panelapp-web", f"web={V2}")
        cluster.kubectl("rollout", "status", "-n", "bench-b", "deployment/panelapp-web", "--timeout=600s", timeout=660)
        rollout_seconds = time.monotonic() - started
        baseline = job_seconds + rollout_seconds
        print(
            f"baseline on the same node: migration Job {job_seconds:.1f} s + web rollout {rollout_seconds:.1f} s "
            f"= {baseline:.1f} s; operator upgrade / baseline = {operator_seconds / baseline:.2f} (goal < 1.3)"
        )
        print(f"machine load after: {os.getloadavg()[0]:.2f}")
    finally:
        if operator is not None:
            terminate(operator, timeout=20)
        cluster.stop()
        if services is not None:
            services.stop()


if __name__ == "__main__":
    main()
