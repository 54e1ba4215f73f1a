"""Workers that follow the queue, proven with KEDA itself on the local control plane (KWOK pods:
what is measured is the worker Deployment's replica count).

It starts the control plane, moto's SQS on loopback, the PanelApp operator and KEDA's operator
(built from the Go module proxy: hack/build-keda.sh), creates a PanelApp whose workers scale on
the queue (minReplicas 0), sends 500 messages and prints the time until the workers are scaled
out, then drains the queue and prints the time until they are scaled in (to zero).

    hack/build-keda.sh                                    # once: KEDA's binaries into the tools cache
    .venv/bin/python bench/operator/queue_scaling.py [--keda-bin DIR] [--messages 500]

KEDA_BIN (or --keda-bin) is the folder of KEDA's `operator` and `adapter` binaries (default: the
newest hack/build-keda.sh put in the tools cache). KEDA's operator scales 0 -> 1 and back
(activation); 1 -> N is the controller-manager's HPA reading KEDA's external metric
(`s0-aws-sqs-queue`), which KEDA's metrics adapter serves through the API aggregation layer: the
adapter runs on loopback and is registered as `v1beta1.external.metrics.k8s.io` behind a Service of
type ExternalName (`localhost`), which the aggregator resolves like any Service. Figures are
printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import base64
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from kubernetes import client

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "hack"))
sys.path.insert(0, str(REPO / "operator"))
sys.path.insert(0, str(REPO))

from localcluster import ControlPlane  # noqa: E402 - importable only after the sys.path insert above
from tests.operator import samples  # noqa: E402 - importable only after the sys.path insert above

CRDS = [REPO / "crds" / "panelapp.org_panelapps.yaml", REPO / "tests" / "operator" / "crds"]
NAMESPACE = "queue-bench"
ACCOUNT_QUEUE_PATH = "123456789012/panelapp"  # moto's default account
REGION = "eu-west-2"
KEDA_LOGS = ("keda-operator.log", "keda-adapter.log")
KEYS = {"awsAccessKeyID": "testing", "awsSecretAccessKey": "testing"}  # moto accepts any keys


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def default_keda_bin() -> Path:
    cache = Path(os.environ.get("PANELAPP_TOOLS_DIR", Path.home() / ".cache" / "panelapp-operator" / "tools"))
    built = sorted(cache.glob("keda-*/operator"))
    return built[-1].parent if built else Path("/tmp/keda-probe/bin")


def until(check: Any, timeout: float, what: str, interval: float = 0.25) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s")


def start(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command, stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env, cwd=REPO, start_new_session=True
    )


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def mount_secret(core: client.CoreV1Api, name: str, folder: Path) -> None:
    """Write a Secret's keys as files, as the kubelet mounts a Secret volume."""
    secret = core.read_namespaced_secret(name, NAMESPACE)
    folder.mkdir(parents=True, exist_ok=True)
    for key, value in (secret.data or {}).items():
        (folder / key).write_bytes(base64.b64decode(value))


def start_metrics_adapter(
    adapter: Path, plane: ControlPlane, workdir: Path, env: dict[str, str], grpc_port: int
) -> subprocess.Popen[bytes]:
    """KEDA's metrics adapter on loopback, registered as the cluster's external metrics API."""
    if not adapter.exists():
        sys.exit(f"no KEDA metrics adapter at {adapter}: run hack/build-keda.sh (or give --keda-bin)")
    certs = workdir / "keda-certs"
    port = free_port()
    kubeconfig = str(plane.kubeconfig)
    process = start(
        [
            str(adapter),
            "--kubeconfig",
            kubeconfig,
            "--authentication-kubeconfig",
            kubeconfig,
            "--authorization-kubeconfig",
            kubeconfig,
            "--lister-kubeconfig",
            kubeconfig,
            "--bind-address",
            "127.0.0.1",
            "--secure-port",
            str(port),
            # Serve with the certificate KEDA's operator made (its SANs name the Service below) and
            # use the same folder's CA and client certificate towards the operator's gRPC service.
            "--cert-dir",
            str(certs),
            "--tls-cert-file",
            str(certs / "tls.crt"),
            "--tls-private-key-file",
            str(certs / "tls.key"),
            "--metrics-service-address",
            f"127.0.0.1:{grpc_port}",
            "--metrics-service-grpc-authority",
            "keda-operator",
            "--port",
            str(free_port()),
            "--profiling=false",
            "--zap-log-level=info",
        ],
        workdir / "keda-adapter.log",
        env,
    )
    # The aggregator proxies to https://<Service>.<namespace>.svc, resolving ExternalName Services
    # to their name: localhost here, at the APIService's port.
    manifest = workdir / "external-metrics.yaml"
    ca_bundle = base64.b64encode((certs / "ca.crt").read_bytes()).decode()
    manifest.write_text(
        f"""apiVersion: v1
kind: Service
metadata: {{name: keda-metrics-apiserver, namespace: {NAMESPACE}}}
spec: {{type: ExternalName, externalName: localhost}}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {{name: v1beta1.external.metrics.k8s.io}}
spec:
  group: external.metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  caBundle: {ca_bundle}
  service: {{name: keda-metrics-apiserver, namespace: {NAMESPACE}, port: {port}}}
"""
    )
    plane.kubectl("apply", "-f", str(manifest))
    until(
        lambda: plane.kubectl("get", "--raw", "/apis/external.metrics.k8s.io/v1beta1", check=False).returncode == 0,
        120,
        "KEDA's external metrics API to be served through the aggregator",
    )
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keda-bin", type=Path, default=Path(os.environ.get("KEDA_BIN") or default_keda_bin()))
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()
    keda_operator = args.keda_bin / "operator"
    if not keda_operator.exists():
        sys.exit(f"no KEDA operator at {keda_operator}: run hack/build-keda.sh (or give --keda-bin)")

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="panelapp-queue-bench-") as tmp:
        workdir = Path(tmp)
        plane = ControlPlane(workdir=workdir / "cluster").start()
        moto_port = free_port()
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
        moto.start()
        endpoint = f"http://127.0.0.1:{moto_port}"
        try:
            sqs = boto3.client(
                "sqs",
                region_name=REGION,
                endpoint_url=endpoint,
                aws_access_key_id=KEYS["awsAccessKeyID"],
                aws_secret_access_key=KEYS["awsSecretAccessKey"],
            )
            queue_url = sqs.create_queue(QueueName="panelapp")["QueueUrl"]
            plane.apply_crds(*CRDS)
            api = plane.api_client()
            core, apps, custom = client.CoreV1Api(api), client.AppsV1Api(api), client.CustomObjectsApi(api)
            core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=NAMESPACE)))
            core.create_namespaced_secret(
                NAMESPACE,
                client.V1Secret(metadata=client.V1ObjectMeta(name="sqs-keys"), string_data=KEYS),
            )
            core.create_namespaced_secret(
                NAMESPACE,
                client.V1Secret(
                    metadata=client.V1ObjectMeta(name="panelapp-database"), string_data={"password": "bench"}
                ),
            )
            # Access keys instead of pod identity: the local control plane has no IRSA.
            custom.create_namespaced_custom_object(
                "keda.sh",
                "v1alpha1",
                NAMESPACE,
                "triggerauthentications",
                {
                    "apiVersion": "keda.sh/v1alpha1",
                    "kind": "TriggerAuthentication",
                    "metadata": {"name": "sqs-keys"},
                    "spec": {
                        "secretTargetRef": [
                            {"parameter": parameter, "name": "sqs-keys", "key": parameter} for parameter in KEYS
                        ]
                    },
                },
            )
            env = plane.env()
            processes.append(
                start(
                    [
                        sys.executable,
                        "-m",
                        "panelapp_operator",
                        "run",
                        "--namespace",
                        NAMESPACE,
                        "--liveness-host",
                        "127.0.0.1",
                        "--liveness-port",
                        str(free_port()),
                        "--metrics-port",
                        str(free_port()),
                        "--resync-seconds",
                        "5",
                        "--log-format",
                        "plain",
                    ],
                    workdir / "operator.log",
                    env,
                )
            )
            keda_env = {
                **env,
                "WATCH_NAMESPACE": NAMESPACE,
                "KEDA_CLUSTER_OBJECT_NAMESPACE": NAMESPACE,
                "POD_NAMESPACE": NAMESPACE,
                "POD_NAME": "keda-operator-bench",
            }
            grpc_port = free_port()  # KEDA's operator serves metric values to its adapter over gRPC
            keda_command = [
                str(keda_operator),
                "--kubeconfig",
                str(plane.kubeconfig),
                "--metrics-bind-address",
                f"127.0.0.1:{free_port()}",
                "--health-probe-bind-address",
                f"127.0.0.1:{free_port()}",
                "--metrics-service-bind-address",
                f"127.0.0.1:{grpc_port}",
                # KEDA makes its own CA and the certificate of its gRPC metrics service
                # (kept in the Secret kedaorg-certs and in --cert-dir).
                "--enable-cert-rotation=true",
                "--cert-dir",
                str(workdir / "keda-certs"),
                "--enable-webhook-patching=false",
                "--enable-apiservice-patching=false",
                "--zap-log-level=info",
            ]
            keda = start(keda_command, workdir / "keda-operator.log", keda_env)
            # Having written its new certificates into the Secret, KEDA's operator exits to be
            # restarted; in a pod the kubelet would mount the Secret at --cert-dir: do that here.
            keda.wait(60)
            mount_secret(core, "kedaorg-certs", workdir / "keda-certs")
            keda = start(keda_command, workdir / "keda-operator.log", keda_env)
            processes.append(keda)
            try:
                processes.append(start_metrics_adapter(args.keda_bin / "adapter", plane, workdir, keda_env, grpc_port))
            except TimeoutError as error:
                tails = {
                    n: (workdir / n).read_text(errors="replace")[-3000:] for n in KEDA_LOGS if (workdir / n).exists()
                }
                raise SystemExit(f"{error}\n" + "\n".join(f"--- {n}\n{t}" for n, t in tails.items())) from error
            spec = samples.minimal_spec(
                aws={"region": REGION},
                queue={"name": "panelapp", "url": queue_url},
                worker={
                    "autoscaling": {
                        "queue": {
                            "enabled": True,
                            "minReplicas": 0,
                            "maxReplicas": 10,
                            "messagesPerWorker": 50,
                            "pollingInterval": 1,
                            "cooldownPeriod": 5,
                            "authentication": {"triggerAuthenticationName": "sqs-keys"},
                            "awsEndpoint": endpoint,
                        }
                    }
                },
            )
            custom.create_namespaced_custom_object(
                "panelapp.org", "v1alpha1", NAMESPACE, "panelapps", samples.resource("panelapp", NAMESPACE, spec)
            )

            def replicas() -> int | None:
                try:
                    deployment = apps.read_namespaced_deployment("panelapp-worker", NAMESPACE)
                except client.ApiException:
                    return None
                return deployment.spec.replicas

            def describe() -> str:
                tails = []
                for name in ("operator.log", "keda-operator.log", "keda-adapter.log"):
                    lines = (workdir / name).read_text(errors="replace").splitlines()[-15:]
                    tails.append(f"--- {name}\n" + "\n".join(lines))
                return "\n".join(tails)

            try:
                until(lambda: replicas() is not None, args.timeout, "the worker Deployment")
                first = until(lambda: replicas() == 0, args.timeout, "KEDA to scale the idle workers to zero")
                print(f"control plane up in {plane.timings['total']:.1f} s; idle workers at 0 after {first:.1f} s")
                sent_at = time.monotonic()
                for start_at in range(0, args.messages, 10):
                    batch = range(start_at, min(start_at + 10, args.messages))
                    sqs.send_message_batch(
                        QueueUrl=queue_url, Entries=[{"Id": str(i), "MessageBody": f"task {i}"} for i in batch]
                    )
                sending = time.monotonic() - sent_at
                until(lambda: (replicas() or 0) >= 1, args.timeout, "KEDA to activate the workers")
                out = time.monotonic() - sent_at
                print(
                    f"{args.messages} messages (sent in {sending:.1f} s) -> workers scaled out (0 -> {replicas()}) "
                    f"{out:.1f} s after the first message"
                )
                wanted = min(10, -(-args.messages // 50))
                more = until(lambda: (replicas() or 0) >= wanted, args.timeout, f"the HPA to reach {wanted} workers")
                print(
                    f"-> {wanted} workers (500 / messagesPerWorker 50, maxReplicas 10) {out + more:.1f} s "
                    "after the first message (the HPA's sync period is 15 s)"
                )
                sqs.purge_queue(QueueUrl=queue_url)
                back = until(lambda: replicas() == 0, args.timeout, "KEDA to scale the workers in")
                print(f"empty queue -> workers scaled in to 0 in {back:.1f} s (cooldownPeriod 5 s, polling 1 s)")
            except TimeoutError as error:
                print(f"{error}\n{describe()}")
                raise SystemExit(1) from error
        finally:
            for process in reversed(processes):
                stop(process)
            moto.stop()
            plane.stop()


if __name__ == "__main__":
    main()
