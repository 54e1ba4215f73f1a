"""Run the operator as its chart deploys it, but as a local process: the installed Deployment's
own arguments, and the credentials of the chart's ServiceAccount (a token the API server issues
for it), never the admin's. Only what a pod would differ in is changed: the ports (free local
ones) and the address they bind to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from localcluster.processes import terminate
from tests.fixtures.services import free_port
from tests.packaging.tools import checked

_PORT_FLAGS = ("--liveness-port=", "--metrics-port=", "--liveness-host=")


def service_account_kubeconfig(cluster, namespace: str, account: str, path: Path) -> Path:
    """A kubeconfig for the local API server that authenticates as the ServiceAccount."""
    token = checked(
        cluster.kubectl("create", "token", account, "-n", namespace, "--duration=1h", check=False),
        f"create a token for {namespace}/{account}",
    ).stdout.strip()
    admin = json.loads(cluster.kubeconfig.read_text())
    [server] = admin["clusters"]
    path.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [server],
                "users": [{"name": account, "user": {"token": token}}],
                "contexts": [{"name": account, "context": {"cluster": server["name"], "user": account}}],
                "current-context": account,
            }
        )
    )
    path.chmod(0o600)
    return path


def deployment_arguments(cluster, namespace: str, deployment: str) -> list[str]:
    body = json.loads(
        checked(
            cluster.kubectl("get", "deployment", deployment, "-n", namespace, "-o", "json", check=False),
            f"get deployment {deployment}",
        ).stdout
    )
    [container] = body["spec"]["template"]["spec"]["containers"]
    return list(container["args"])


class OperatorProcess:
    def __init__(self, arguments: list[str], kubeconfig: Path, log: Path):
        self.liveness_port, self.metrics_port = free_port(), free_port()
        self.arguments = [a for a in arguments if not a.startswith(_PORT_FLAGS)] + [
            "--liveness-host=127.0.0.1",
            f"--liveness-port={self.liveness_port}",
            f"--metrics-port={self.metrics_port}",
        ]
        self.log = log
        # A clean environment: the ServiceAccount's kubeconfig is the only credential it can find
        # (kube.py falls back to KUBECONFIG outside a pod, and so does kopf's login).
        env = {"PATH": os.environ["PATH"], "HOME": str(log.parent), "LANG": "C.UTF-8", "KUBECONFIG": str(kubeconfig)}
        with open(log, "wb") as out:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "panelapp_operator", *self.arguments],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def running(self) -> bool:
        return self.popen.poll() is None

    def stop(self) -> None:
        terminate(self.popen)
