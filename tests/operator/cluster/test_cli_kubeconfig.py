"""`run --kubeconfig FILE` uses that file for every connection, whatever $KUBECONFIG says."""

from __future__ import annotations

from tests.operator import samples
from tests.operator.cluster.support import OperatorProcess


def test_run_with_kubeconfig_flag_ignores_the_environment(cluster, namespace, kube, database_secret, tmp_path):
    env = cluster.env()
    env["KUBECONFIG"] = str(tmp_path / "no-such-kubeconfig")  # would fail every login if it were used
    log = tmp_path / "operator.log"
    process = OperatorProcess(
        env=env, namespaces=[namespace], log_path=log, extra_args=["--kubeconfig", str(cluster.kubeconfig)]
    ).start()
    try:
        kube.create_panelapp(samples.minimal_spec())
        kube.wait_phase("Ready", image=samples.IMAGE, describe=process.log_tail)
    finally:
        process.stop()
