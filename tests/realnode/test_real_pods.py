"""PanelApp really runs under the operator: the PanelApp image in real pods on a real kubelet,
against PostgreSQL, moto S3/SQS and an SMTP sink on the pod network.

Each test builds one instance (its own namespace, database, buckets and queue) and follows what a
platform engineer and the people behind the load balancer would see.
"""

from __future__ import annotations

import re
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from tests.domain.uploads_helpers import gene_row, panel_tsv
from tests.operator.cluster.support import wait_for
from tests.realnode.support import HOST, Instance, NodeImages, on_real_node

METRICS_PORT = 9100
DEMO_LOGIN = ("curator", "curator-demo")  # printed by load_demo_data
#: A demo panel without BRCA1 and BRCA2: the uploads add them to it.
UPLOAD_PANEL = "Hereditary colorectal cancer"


def panel_summary(instance: Instance, name: str = UPLOAD_PANEL) -> dict:
    answer = instance.request("GET", "/api/v1/panels/?page_size=100")
    assert answer.status == 200, answer.body[:300]
    return next(p for p in answer.json()["results"] if p["name"] == name)


def panel_genes(instance: Instance, panel_id: int) -> list[str]:
    answer = instance.request("GET", f"/api/v1/panels/{panel_id}/genes/?page_size=500")
    assert answer.status == 200, answer.body[:300]
    return sorted(g["entity_name"] for g in answer.json()["results"])


def _login(instance: Instance, username: str, password: str) -> dict[str, str]:
    """Logs in through the web form (CSRF token and all) and returns the cookies of the session."""
    page = instance.request("GET", "/accounts/login/")
    assert page.status == 200, page.body[:500]
    cookies = _cookies(page)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
    form = f"csrfmiddlewaretoken={token}&username={username}&password={password}".encode()
    answer = instance.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": _cookie_header(cookies),
            "Referer": f"https://{HOST}/accounts/login/",
        },
    )
    assert answer.status == 302, f"login refused: HTTP {answer.status} {answer.body[:500]!r}"
    cookies.update(_cookies(answer))
    return cookies


def _cookies(response) -> dict[str, str]:
    found = {}
    for name in ("csrftoken", "sessionid"):
        match = re.search(rf"{name}=([^;]+)", response.headers.get("set-cookie", ""))
        if match:
            found[name] = match.group(1)
    return found


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _multipart(field: str, filename: str, content: bytes, extra: dict[str, str]) -> tuple[bytes, str]:
    boundary = "panelappboundary7MA4YWxkTrZu0gW"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in extra.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: text/tab-separated-values\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload_panel_tsv(instance: Instance, username: str, password: str, panel: str) -> None:
    """Logs in and uploads a two-gene panel TSV through the web form, as a curator does."""
    cookies = _login(instance, username, password)
    content = panel_tsv([gene_row("BRCA1", panel), gene_row("BRCA2", panel)])
    body, content_type = _multipart(
        "panel-file", "real-node.tsv", content, {"csrfmiddlewaretoken": cookies["csrftoken"]}
    )
    uploaded = instance.request(
        "POST",
        "/panels/upload/panel/",
        body=body,
        headers={
            "Content-Type": content_type,
            "Cookie": _cookie_header(cookies),
            "Referer": f"https://{HOST}/panels/admin/",
            "X-CSRFToken": cookies["csrftoken"],
        },
    )
    assert uploaded.status == 302, f"upload refused: HTTP {uploaded.status} {uploaded.body[:800]!r}"


def scrape(pod, port: int = METRICS_PORT) -> list[tuple[str, dict[str, str], float]]:
    """(name, labels, value) of every sample a Prometheus scrape of the pod's metrics port reads."""
    with urllib.request.urlopen(f"http://{pod.status.pod_ip}:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    return [(s.name, s.labels, s.value) for family in text_string_to_metric_families(text) for s in family.samples]


def test_a_panelapp_runs_for_real_from_migration_to_an_imported_upload(instance: Instance):
    instance.create(NodeImages.V1, metrics={"enabled": True, "port": METRICS_PORT})
    instance.wait_ready(NodeImages.V1)

    # The migration Job's pod ran the real `migrate` against PostgreSQL.
    assert instance.table_exists("panels_genepanel"), "the migration Job did not create PanelApp's tables"
    applied = instance.sql("SELECT count(*) FROM django_migrations")[0][0]
    assert applied > 10
    # collectstatic wrote the static files to the bucket (Django admin's and PanelApp's own).
    keys = [
        o["Key"]
        for o in instance.services.boto("s3")
        .list_objects_v2(Bucket=instance.static_bucket, MaxKeys=1000)
        .get("Contents", [])
    ]
    assert any(key.endswith("admin/css/base.css") for key in keys), keys[:20]

    # Every pod is a real container on the real node, and web pods are Ready by their real probes.
    web = instance.pods("web")
    assert len(web) == 2 and all(on_real_node(pod) for pod in web)
    assert all(status.ready for pod in web for status in pod.status.container_statuses)
    assert all(on_real_node(pod) for pod in instance.pods())

    # The API answers JSON through the Service.
    panels = instance.request("GET", "/api/v1/panels/")
    assert panels.status == 200 and panels.headers["content-type"].startswith("application/json")
    assert panels.json()["count"] == 0

    # A curator uploads a panel TSV in the web UI; a worker pod imports it from S3 over SQS.
    instance.exec_web("panelapp-manage", "load_demo_data")
    panel = panel_summary(instance)
    assert "BRCA1" not in panel_genes(instance, panel["id"])
    upload_panel_tsv(instance, *DEMO_LOGIN, UPLOAD_PANEL)
    media = [
        o["Key"] for o in instance.services.boto("s3").list_objects_v2(Bucket=instance.media_bucket).get("Contents", [])
    ]
    assert any(key.endswith(".tsv") for key in media), f"the upload is not in the media bucket: {media}"

    wait_for(
        lambda: {"BRCA1", "BRCA2"} <= set(panel_genes(instance, panel["id"])),
        "the worker pod to import the uploaded genes",
        timeout=120,
        describe=instance.describe,
    )
    assert panel_summary(instance)["version"] != panel["version"]

    # What Prometheus scrapes from the real pods (spec.metrics): web counts the API requests above
    # by view and status, the worker counts the import task and reads the queue's depth from SQS.
    web_samples = [sample for pod in web for sample in scrape(pod)]
    api_list_ok = sum(
        value
        for name, labels, value in web_samples
        if name == "panelapp_http_requests_total" and labels["status"] == "200" and "panel" in labels["view"]
    )
    assert api_list_ok >= 3, [s for s in web_samples if s[0] == "panelapp_http_requests_total"]
    worker_samples = [sample for pod in instance.pods("worker") for sample in scrape(pod)]
    imported = sum(
        value
        for name, labels, value in worker_samples
        if name == "panelapp_celery_tasks_total"
        and labels == {"task": "panels.tasks.import_upload", "state": "succeeded"}
    )
    assert imported == 1, [s for s in worker_samples if s[0].startswith("panelapp_celery")]
    depth = {labels["state"] for name, labels, _ in worker_samples if name == "panelapp_queue_messages"}
    assert depth >= {"visible"}, [s for s in worker_samples if s[0].startswith("panelapp_queue")]


def test_an_upgrade_with_a_migration_under_steady_traffic_fails_no_request(instance: Instance):
    instance.create(NodeImages.V1)
    instance.wait_ready(NodeImages.V1)
    assert not instance.table_exists("panels_upgrade_probe")

    with instance.steady_load(rate=20) as load:
        time.sleep(3)
        started = time.monotonic()
        instance.set_image(NodeImages.V2)
        # While the migration runs, the old pods keep serving.
        wait_for(
            lambda: (
                instance.migration_jobs()
                and any(
                    j.metadata.annotations.get("panelapp.org/image") == NodeImages.V2 for j in instance.migration_jobs()
                )
            ),
            "the v2 migration Job",
            timeout=30,
        )
        assert instance.running_images("web") == {NodeImages.V1}
        instance.wait_ready(NodeImages.V2, timeout=400)
        upgrade_seconds = time.monotonic() - started
        wait_for(
            lambda: (
                instance.running_images("web") == {NodeImages.V2}
                and len([p for p in instance.pods("web") if p.metadata.deletion_timestamp is None]) == 2
            ),
            "every web pod on v2",
            timeout=120,
            describe=instance.describe,
        )
        time.sleep(3)

    assert load.failures == [], (
        f"{len(load.failures)} failed requests of {load.ok + len(load.failures)}: {load.failures[:10]}"
    )
    assert load.ok > 20 * upgrade_seconds * 0.5, (load.ok, upgrade_seconds)
    # The new migration ran, exactly once, and every component ends on v2.
    assert instance.table_exists("panels_upgrade_probe")
    assert (
        len([j for j in instance.migration_jobs() if j.metadata.annotations.get("panelapp.org/image") == NodeImages.V2])
        == 1
    )
    assert instance.sql("SELECT count(*) FROM django_migrations WHERE name = '9001_upgrade_probe'")[0][0] == 1
    for component in ("web", "worker", "beat"):
        assert instance.running_images(component) == {NodeImages.V2}, component

    # v2 -> v3, whose migration fails: nobody notices, nothing runs v3, the status says why.
    with instance.steady_load(rate=20) as load:
        instance.set_image(NodeImages.V3)
        degraded = instance.kube.wait_phase("Degraded", timeout=300, describe=instance.describe)
        time.sleep(5)
    assert load.failures == [], load.failures[:10]
    condition = instance.kube.condition("Degraded")
    assert condition["status"] == "True" and "migrat" in (condition.get("message", "") + condition["reason"]).lower()
    assert degraded["image"] == NodeImages.V2  # the image that still serves
    for component in ("web", "worker", "beat"):
        assert instance.running_images(component) == {NodeImages.V2}, component
    assert "Degraded" in instance.kube.event_reasons() or any(
        "igration" in reason for reason in instance.kube.event_reasons()
    )

    # Fixing the image (back to the one that works) recovers.
    instance.set_image(NodeImages.V2)
    instance.wait_ready(NodeImages.V2, timeout=200)
