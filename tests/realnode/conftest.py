"""Fixtures of the real-pods tier: one control plane with a real node for this package, the
project's images imported into its containerd, and the services pods need on the pod network.

- `real_cluster` (package): a ControlPlane with `real_node=True` (hack/localcluster/realnode.py) and
  the PanelApp CRD. It is torn down when the package's tests end, so other tiers (and the demo)
  can have the machine's one real node after it.
- `node_images` (package): the app image built from this tree (cached by input hash) as v1, and
  v2 (adds a real migration) and v3 (adds a migration that fails) derived from it.
- `pod_services` (package): PostgreSQL, moto (S3, SQS) and an SMTP sink listening on the pod
  network's gateway address, so pods reach them and nothing else.
- `instance` (function): a namespace with its own database, buckets, queue and Secrets, an
  operator watching it, and helpers to create the PanelApp and talk to its Service.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from localcluster import ControlPlane
from localcluster import images as image_builds
from localcluster.images import ImageBuildError, ImageCache
from localcluster.realnode import POD_SUBNET
from tests.fixtures.cluster import running
from tests.operator.cluster.support import OperatorProcess
from tests.realnode.support import Instance, NodeImages, PodServices

CRD_DIR = Path(__file__).resolve().parents[2] / "crds"  # PanelApp and PanelAppTask


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.k8s)
            item.add_marker(pytest.mark.realnode)


@pytest.fixture(scope="package")
def real_cluster(tmp_path_factory):
    with running(ControlPlane(workdir=Path(tmp_path_factory.mktemp("real-cluster")), real_node=True)) as plane:
        plane.apply_crds(CRD_DIR)
        yield plane


@pytest.fixture(scope="package")
def node_images(real_cluster) -> NodeImages:
    cache = ImageCache(real_cluster.toolbox)
    try:
        v1 = cache.archive(image_builds.REPO / "Dockerfile.app", image_builds.APP_IMAGE)
        v2 = cache.derived(v1, image_builds.APP_IMAGE, NodeImages.V2, dict([image_builds.V2_MIGRATION]))
        v3 = cache.derived(v2, NodeImages.V2, NodeImages.V3, dict([image_builds.V3_MIGRATION]))
        broken = cache.derived(v1, image_builds.APP_IMAGE, NodeImages.BROKEN_WEB, dict([image_builds.BROKEN_WEB]))
    except ImageBuildError as error:
        pytest.fail(f"the app image could not be built:\n{error}", pytrace=False)
    for archive in (v1, v2, v3, broken):
        real_cluster.node.import_archive(archive)
    return NodeImages()


@pytest.fixture(scope="package")
def pod_services(real_cluster):
    workdir = Path(tempfile.mkdtemp(prefix="panelapp-realnode-services-"))
    services = PodServices.start_for_tests(workdir, real_cluster.node.gateway, POD_SUBNET)
    try:
        yield services
    finally:
        services.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def operator_factory(real_cluster, tmp_path):
    started: list[OperatorProcess] = []

    def start(namespace: str) -> OperatorProcess:
        process = OperatorProcess(
            env=real_cluster.env(), namespaces=[namespace], log_path=tmp_path / "operator.log", resync_seconds=2.0
        )
        started.append(process)
        return process.start()

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def instance(real_cluster, node_images, pod_services, operator_factory, request):
    namespace = f"r-{uuid.uuid4().hex[:8]}"
    made = Instance.make(real_cluster, pod_services, node_images, namespace)
    made.operator = operator_factory(namespace)
    made.start_operator = lambda: operator_factory(namespace)
    yield made
    if getattr(request.node, "rep_call_failed", False):
        return
    made.delete()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test's report carries the operator's log, the pods and the node's logs."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call":
        return
    item.rep_call_failed = report.failed
    if not report.failed:
        return
    made = item.funcargs.get("instance")
    if isinstance(made, Instance):
        report.sections.append(("instance", made.describe()))
    plane = item.funcargs.get("real_cluster")
    if isinstance(plane, ControlPlane) and plane.node is not None:
        report.sections.append(("real node", plane.node.describe_failure()))
