"""panelapp-web under docker-aws: a real gunicorn serving Django against PostgreSQL, moto and the
SMTP sink."""

import json
from pathlib import Path

import pytest

from .conftest import HEALTH_TOKEN, STATIC_DOMAIN, json_lines, production_environment, start_web, wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def shared_web(moto_server, smtp_sink, runtime_database, tmp_path_factory):
    """One server for the tests that only read: starting gunicorn is the slow part."""
    env = production_environment(moto_server.endpoint_url, smtp_sink, runtime_database)
    server = start_web({**env, "GUNICORN_WORKERS": "3"}, tmp_path_factory.mktemp("web"))
    yield server
    server.stop()


@pytest.fixture
def web(shared_web, aws):
    """The shared server, with the buckets and the queue it checks freshly made in moto."""
    return shared_web


def test_gunicorn_workers_setting_gives_that_many_workers(web):
    pids = wait_until(lambda: len(web.worker_pids()) == 3 and web.worker_pids(), 30, "3 gunicorn workers")
    assert len(pids) == 3
    for pid in pids:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert any(b"panelapp-web" in part for part in cmdline)


def test_version_answers_any_host_header(web):
    status, headers, body = web.get("/version/", headers={"Host": "10.1.2.3:8080"})
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert set(json.loads(body)) == {"version"}


def test_other_pages_validate_the_host(web):
    status, _, _ = web.get("/" + "admin/login/", headers={"Host": "evil.example.net"})
    assert status == 400


def test_health_shows_details_only_with_the_token(web):
    status, _, body = web.get("/health/")
    assert (status, json.loads(body)) == (200, {"status": "OK"})
    status, _, body = web.get(f"/health/?token={HEALTH_TOKEN}")
    report = json.loads(body)
    assert status == 200, report
    assert {name: check["status"] for name, check in report["checks"].items()} == {
        "database": "OK",
        "s3": "OK",
        "sqs": "OK",
        "smtp": "OK",
    }
    status, _, body = web.get("/health/", headers={"X-Health-Token": "wrong"})
    assert "checks" not in json.loads(body)


def test_health_reports_a_broken_dependency(web, aws):
    aws.s3().delete_bucket(Bucket=aws.media_bucket)
    status, _, body = web.get("/health/", headers={"X-Health-Token": HEALTH_TOKEN})
    report = json.loads(body)
    assert status == 503
    assert report["status"] == "DOWN"
    assert report["checks"]["s3"]["status"] == "DOWN"
    assert aws.media_bucket in report["checks"]["s3"]["detail"]
    assert report["checks"]["database"]["status"] == "OK"


def test_pages_link_static_files_on_the_cdn_domain(web):
    status, _, body = web.get("/admin/login/")
    assert status == 200
    assert f'href="https://{STATIC_DOMAIN}/static/admin/css/base.css"' in body.decode()


def test_every_log_line_is_json(web):
    web.get("/version/")
    web.get("/admin/login/")
    web.get("/does-not-exist/")
    records = json_lines(web.output())  # every record is flushed as it is written
    assert any("Booting worker" in r["message"] for r in records)
    assert all({"timestamp", "level", "logger", "message"} <= set(r) for r in records)
    assert any(r["logger"] == "django.request" for r in records)


def test_log_level_governs_gunicorn_too(production_env, web_server):
    web = web_server({**production_env, "GUNICORN_WORKERS": "1", "DJANGO_LOG_LEVEL": "WARNING"})
    web.get("/does-not-exist/")
    web.stop()
    records = json_lines(web.output())
    assert records, "the 404 warning is logged"
    assert all(r["level"] in ("WARNING", "ERROR", "CRITICAL") for r in records)


def test_admin_is_mounted_at_django_admin_url(production_env, web_server):
    web = web_server({**production_env, "GUNICORN_WORKERS": "1", "DJANGO_ADMIN_URL": "/ops-console"})
    assert web.get("/ops-console/login/")[0] == 200
    status, _, body = web.get("/admin/login/")
    assert status != 200 and b"id_password" not in body  # the default mount point serves no admin


def test_an_access_log_can_be_asked_for_and_is_json(production_env, web_server):
    web = web_server({**production_env, "GUNICORN_WORKERS": "1", "GUNICORN_ACCESSLOG": "-"})
    web.get("/version/?probe=1")
    web.stop()
    access = [r for r in json_lines(web.output()) if r["logger"] == "gunicorn.access"]
    assert any("GET /version/?probe=1" in r["message"] for r in access)


def test_a_worker_past_its_memory_limit_is_replaced_without_dropping_a_request(production_env, web_server):
    """Every worker holds some MiB of its own: with a limit of 1, the first check replaces it."""
    web = web_server({**production_env, "GUNICORN_WORKERS": "1", "WEB_WORKER_MAX_MEMORY_MB": "1"})
    first = wait_until(lambda: web.worker_pids(), 30, "a gunicorn worker")
    statuses = [web.get("/api/v1/panels/")[0] for _ in range(3 * 32)]
    assert set(statuses) == {200}, "the requests around a replacement are all answered"
    wait_until(lambda: web.worker_pids() and set(web.worker_pids()).isdisjoint(first), 30, "a fresh worker")
    web.stop()
    replaced = [r["message"] for r in json_lines(web.output()) if "of private memory" in r["message"]]
    assert len(replaced) >= 2, "each worker is replaced at its first check"
    assert f"worker {first[0]} holds" in replaced[0] and "over WEB_WORKER_MAX_MEMORY_MB=1:" in replaced[0]


def test_without_a_memory_limit_a_worker_stays(production_env, web_server):
    web = web_server({**production_env, "GUNICORN_WORKERS": "1", "WEB_WORKER_MAX_MEMORY_MB": "0"})
    first = wait_until(lambda: web.worker_pids(), 30, "a gunicorn worker")
    assert {web.get("/api/v1/panels/")[0] for _ in range(2 * 32)} == {200}
    assert web.worker_pids() == first


def test_the_application_is_warmed_before_the_socket_opens_and_workers_are_threaded(web):
    """A fresh or recycled worker must not make its first readers wait for imports: the master
    loads and warms the app (the busiest reads answered through it) before it listens."""
    records = json_lines(web.output())
    messages = [r["message"] for r in records]
    warmed = next(i for i, m in enumerate(messages) if m.startswith("warmed up in"))
    listening = next(i for i, m in enumerate(messages) if m.startswith("Listening at"))
    assert warmed < listening
    assert "'/api/v1/panels/': 200" in messages[warmed]
    assert any(m == "Using worker: gthread" for m in messages)
    assert web.get("/api/v1/panels/")[0] == 200


def test_warming_stops_at_the_first_failure_and_the_server_still_starts(production_env, web_server):
    env = {**production_env, "GUNICORN_WORKERS": "1", "DATABASE_URL": "postgresql://nobody:x@127.0.0.1:1/none"}
    web = web_server(env)
    assert web.get("/version/")[0] == 200
    web.stop()
    [warmed] = [r["message"] for r in json_lines(web.output()) if r["message"].startswith("warmed up in")]
    assert warmed.count(":") == 2  # one path tried ("warmed up in 0.01 s: {'/api/v1/panels/': 500}")
