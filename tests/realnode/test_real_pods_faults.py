"""Faults on real pods: a worker killed mid-task, the operator killed mid-migration, a database
outage, and images that are missing or broken. Each fault is made deterministic by holding a
PostgreSQL lock the real process must wait on, so the test knows the process is mid-work."""

from __future__ import annotations

import json
import time

from tests.operator.cluster.support import wait_for
from tests.realnode.support import Instance, NodeImages
from tests.realnode.test_real_pods import DEMO_LOGIN, UPLOAD_PANEL, panel_genes, panel_summary, upload_panel_tsv


def next_minor(version: str) -> str:
    major, minor = version.split(".")
    return f"{major}.{int(minor) + 1}"


HEALTH_TOKEN = "realnode-health-token-5r8Tq"


def _backends_waiting_on_a_lock(instance: Instance) -> int:
    return instance.sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", (instance.database,)
    )[0][0]


def test_a_worker_killed_mid_task_has_its_task_redelivered_and_done_once(instance: Instance):
    instance.create(NodeImages.V1, web_replicas=1)
    instance.wait_ready(NodeImages.V1)
    instance.exec_web("panelapp-manage", "load_demo_data")
    before = panel_summary(instance)
    [worker] = instance.pods("worker")

    lock = instance.services.connect(instance.database)
    try:
        with lock.cursor() as cursor:
            cursor.execute("LOCK TABLE panels_genepanel IN ACCESS EXCLUSIVE MODE")
        upload_panel_tsv(instance, *DEMO_LOGIN, UPLOAD_PANEL)
        wait_for(
            lambda: _backends_waiting_on_a_lock(instance) > 0,
            "the worker's import to wait on the lock",
            timeout=90,
            describe=instance.describe,
        )
        # SIGKILL without a grace period: the task cannot finish, and its message is not acknowledged.
        instance.cluster.kubectl(
            "delete", "pod", "-n", instance.namespace, worker.metadata.name, "--grace-period=0", "--force"
        )
        wait_for(
            lambda: not [p for p in instance.pods("worker") if p.metadata.name == worker.metadata.name],
            "the killed worker pod to be gone",
            timeout=60,
        )
    finally:
        lock.rollback()
        lock.close()

    # The message comes back after the visibility timeout, and the new worker pod imports it.
    wait_for(
        lambda: {"BRCA1", "BRCA2"} <= set(panel_genes(instance, before["id"])),
        "the redelivered import",
        timeout=150,
        describe=instance.describe,
    )
    time.sleep(5)  # a second import, if there were one, would land by now
    genes = panel_genes(instance, before["id"])
    assert genes.count("BRCA1") == genes.count("BRCA2") == 1
    # One upload, one version bump: the killed attempt left nothing behind.
    assert panel_summary(instance)["version"] == next_minor(before["version"])


def test_the_operator_killed_mid_migration_resumes_without_a_second_migration(instance: Instance):
    instance.create(NodeImages.V1, web_replicas=1)
    instance.wait_ready(NodeImages.V1)

    lock = instance.services.connect(instance.database)
    try:
        with lock.cursor() as cursor:
            # `migrate` reads its history first: it waits here, mid-migration, until the lock goes.
            cursor.execute("LOCK TABLE django_migrations IN ACCESS EXCLUSIVE MODE")
        instance.set_image(NodeImages.V2)
        wait_for(
            lambda: _backends_waiting_on_a_lock(instance) > 0,
            "the v2 migration to be running",
            timeout=120,
            describe=instance.describe,
        )
        instance.operator.kill()
        time.sleep(3)
        instance.operator = instance.start_operator()
        time.sleep(5)  # the new operator sees the running Job and must not start another
    finally:
        lock.rollback()
        lock.close()

    instance.wait_ready(NodeImages.V2)
    v2_jobs = [
        j for j in instance.migration_jobs() if j.metadata.annotations.get("panelapp.org/image") == NodeImages.V2
    ]
    assert len(v2_jobs) == 1
    assert instance.sql("SELECT count(*) FROM django_migrations WHERE name = '9001_upgrade_probe'")[0][0] == 1
    assert instance.table_exists("panels_upgrade_probe")
    assert instance.running_images("web") == {NodeImages.V2}


def test_web_recovers_by_itself_after_a_database_outage(instance: Instance):
    instance.kube.create_secret("panelapp-health", {"token": HEALTH_TOKEN})
    spec = instance.spec(NodeImages.V1, web_replicas=1)
    spec["env"].append(
        {"name": "HEALTH_CHECK_TOKEN", "valueFrom": {"secretKeyRef": {"name": "panelapp-health", "key": "token"}}}
    )
    instance.kube.create_panelapp(spec)
    instance.wait_ready(NodeImages.V1)
    restarts_before = {p.metadata.name: p.status.container_statuses[0].restart_count for p in instance.pods("web")}

    def health():
        answer = instance.request("GET", "/health/", headers={"X-Health-Token": HEALTH_TOKEN}, timeout=15)
        return answer.status, answer.json()

    status, report = health()
    assert status == 200, report
    postgres = instance.services.postgres
    postgres.stop_now()
    try:
        status, report = wait_for(
            lambda: (lambda r: r if r[0] == 503 else None)(health()), "/health/ to report the database down", timeout=60
        )
        assert "database" in json.dumps(report).lower()
    finally:
        postgres.start_again()

    wait_for(lambda: health()[0] == 200, "/health/ to report the database back", timeout=90)
    wait_for(lambda: instance.request("GET", "/api/v1/panels/").status == 200, "the API to answer again", 60)
    # Nothing restarted: the liveness probe does not depend on the database.
    restarts_after = {p.metadata.name: p.status.container_statuses[0].restart_count for p in instance.pods("web")}
    assert restarts_after == restarts_before


def test_missing_and_broken_images_surface_the_kubelets_reason(instance: Instance):
    # An image that was never imported, with pull policy Never: the kubelet's ErrImageNeverPull.
    instance.create(NodeImages.MISSING, web_replicas=1)

    def reported(reason: str):
        status = instance.kube.status()
        text = json.dumps(status.get("conditions", []))
        return reason in text and status

    status = wait_for(
        lambda: reported("ErrImageNeverPull"),
        "the status to name ErrImageNeverPull",
        timeout=120,
        describe=instance.describe,
    )
    assert status["phase"] in ("Degraded", "Migrating", "Pending")

    # An image whose web entrypoint exits: the web pods crash-loop and the status says so.
    instance.set_image(NodeImages.BROKEN_WEB)
    status = wait_for(
        lambda: reported("CrashLoopBackOff"),
        "the status to name CrashLoopBackOff",
        timeout=240,
        describe=instance.describe,
    )
    assert status["phase"] in ("Degraded", "RollingOut")
    assert not any(s.ready for p in instance.pods("web") for s in p.status.container_statuses or ())
