"""Fixtures for the operator against the real control plane (tests/fixtures/cluster.py).

Each test gets a fresh namespace, the CRD (installed once per session), the Secrets the sample
PanelApp references, and an operator process watching only that namespace. When a test ends, the
operator's log is checked: no planted secret value may appear in it, and no reconcile may have
crashed unexpectedly.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.operator import samples
from tests.operator.cluster.support import Kube, OperatorProcess

CRD_FILE = samples.REPO / "crds" / "panelapp.org_panelapps.yaml"
TASK_CRD_FILE = samples.REPO / "crds" / "panelapp.org_panelapptasks.yaml"
PLANTED_SECRETS = (samples.DB_PASSWORD, samples.SMTP_PASSWORD)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.k8s)


@pytest.fixture(scope="session")
def panelapp_crd(cluster):
    cluster.apply_crds(CRD_FILE, TASK_CRD_FILE)
    return CRD_FILE


@pytest.fixture
def kube(cluster, namespace, panelapp_crd):
    api_client = cluster.api_client()
    yield Kube(api_client, namespace)
    api_client.close()


@pytest.fixture
def database_secret(kube):
    kube.create_secret("panelapp-database", {"password": samples.DB_PASSWORD})
    return "panelapp-database"


@pytest.fixture
def operator_log(tmp_path):
    return tmp_path / "operator.log"


@pytest.fixture
def start_operator(cluster, namespace, panelapp_crd, operator_log, request):
    """Start (and, for the restart test, start again) an operator watching the test's namespace."""
    started: list[OperatorProcess] = []

    def start(resync_seconds: float = 2.0) -> OperatorProcess:
        process = OperatorProcess(
            env=cluster.env(), namespaces=[namespace], log_path=operator_log, resync_seconds=resync_seconds
        )
        started.append(process)
        return process.start()

    yield start
    for process in started:
        process.stop()
    log = operator_log.read_text(errors="replace") if operator_log.exists() else ""
    if getattr(request.node, "rep_call_failed", False):
        return  # the failure report already carries the log
    leaked = [value for value in PLANTED_SECRETS if value in log]
    assert not leaked, f"secret values appear in the operator's log: {leaked}"
    assert "Traceback" not in log, f"the operator logged an unexpected error:\n{log[-4000:]}"


@pytest.fixture
def operator(start_operator):
    return start_operator()


@pytest.fixture
def ready_panelapp(kube, database_secret, operator):
    """A minimal PanelApp, created and Ready."""
    kube.create_panelapp(samples.minimal_spec())
    kube.wait_phase("Ready", image=samples.IMAGE, describe=operator.log_tail)
    return kube.panelapp()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call_failed = report.failed
        if report.failed:
            log = item.funcargs.get("operator_log")
            if isinstance(log, Path) and log.exists():
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-80:])
                report.sections.append(("operator log (tail)", tail))


def settle(seconds: float) -> None:
    """Let resyncs happen (tests that prove something does NOT change must give it the chance)."""
    time.sleep(seconds)
