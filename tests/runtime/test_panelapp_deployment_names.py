"""Genomics England's PanelApp's own deployment settings start this image unchanged.

Its images (docker/prod/Dockerfile-base, -web and -worker; docker/cloud/Dockerfile-web) set
PYTHONUNBUFFERED, DJANGO_SETTINGS_MODULE, DJANGO_LOG_LEVEL, CELERY_BROKER_URL and, for the web,
GUNICORN_WORKERS, GUNICORN_TIMEOUT, GUNICORN_BACKLOG, GUNICORN_BIND and GUNICORN_LOG_LEVEL. Its
health endpoints are /health/1/ and /ping/1/. Everything here runs the real commands (gunicorn,
panelapp-check) against PostgreSQL, moto and the SMTP sink.
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from .conftest import HEALTH_TOKEN, VENV_BIN, json_lines, run_command, wait_until

pytestmark = pytest.mark.postgres

#: docker/prod/Dockerfile-base (both images).
BASE_IMAGE = {
    "PYTHONUNBUFFERED": "0",
    "DJANGO_SETTINGS_MODULE": "panelapp.settings.docker-aws",
    "DJANGO_LOG_LEVEL": "INFO",
    "CELERY_BROKER_URL": "sqs://",
}
#: docker/cloud/Dockerfile-web: GUNICORN_BIND is replaced by a loopback port in the tests (start_web).
CLOUD_WEB_IMAGE = {
    "GUNICORN_WORKERS": "8",
    "GUNICORN_TIMEOUT": "300",
    "GUNICORN_BACKLOG": "4096",
    "GUNICORN_BIND": "0.0.0.0:8080",
    "GUNICORN_LOG_LEVEL": "INFO",
}
#: docker/prod/Dockerfile-web.
PROD_WEB_IMAGE = {
    "GUNICORN_WORKERS": "2",
    "GUNICORN_BACKLOG": "4096",
    "GUNICORN_BIND": "0.0.0.0:8000",
    "GUNICORN_LOG_LEVEL": "INFO",
}


@pytest.mark.parametrize("image", [CLOUD_WEB_IMAGE, PROD_WEB_IMAGE], ids=["cloud-web", "prod-web"])
def test_panelapp_web_and_worker_image_variables_pass_the_checks(production_env, image):
    """panelapp-check validates everything the web and worker commands read, gunicorn's names included."""
    done = run_command("panelapp-check", env={**production_env, **BASE_IMAGE, **image}, timeout=180)
    assert done.returncode == 0, done.stderr + done.stdout


def test_panelapp_web_image_variables_start_gunicorn_as_they_say(production_env, web_server):
    web = web_server({**production_env, **BASE_IMAGE, **PROD_WEB_IMAGE})
    pids = wait_until(lambda: len(web.worker_pids()) == 2 and web.worker_pids(), 30, "the 2 workers asked for")
    assert len(pids) == 2
    assert web.get("/version/")[0] == 200
    records = json_lines(web.output())
    # GUNICORN_LOG_LEVEL=INFO: gunicorn's own start-up lines are there.
    assert any(r["logger"] == "gunicorn.error" and r["level"] == "INFO" for r in records), records[:5]


def test_gunicorn_log_level_sets_gunicorns_own_level(production_env, web_server):
    web = web_server({**production_env, "GUNICORN_WORKERS": "1", "GUNICORN_LOG_LEVEL": "WARNING"})
    assert web.get("/version/")[0] == 200
    web.stop()
    records = json_lines(web.output())
    assert not [r for r in records if r["logger"] == "gunicorn.error" and r["level"] == "INFO"]


def test_a_gunicorn_log_level_that_is_not_a_level_stops_the_web_command(production_env):
    env = {**production_env, "GUNICORN_LOG_LEVEL": "loud"}
    done = subprocess.run(
        [str(VENV_BIN / "panelapp-web")], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode != 0
    assert "GUNICORN_LOG_LEVEL must be one of debug, info, warning, error, critical, got 'loud'" in (
        done.stderr + done.stdout
    )


@pytest.fixture
def web(production_env, web_server):
    return web_server({**production_env, **BASE_IMAGE, **PROD_WEB_IMAGE, "GUNICORN_WORKERS": "1"})


def test_ping_answers_pong_on_any_host_without_a_query(web):
    status, headers, body = web.get("/ping/1/", headers={"Host": "10.1.2.3:8080"})
    assert (status, headers["Content-Type"], json.loads(body)) == (200, "application/json", {"ping": "pong"})
    assert web.get("/ping/1/", headers={"Host": "10.1.2.3"})[0] == 200


def test_health_1_reports_the_service_and_its_components(web):
    status, headers, body = web.get("/health/1/", headers={"Host": "10.1.2.3:8080"})
    report = json.loads(body)
    assert status == 200, report
    assert list(report) == ["serviceName", "requestUrl", "datetime", "components", "status"]
    assert report["serviceName"] == "panelapp"
    assert report["requestUrl"] == "http://10.1.2.3:8080/health/1/"
    assert report["components"] == ["database", "s3", "sqs", "smtp"]
    assert report["status"] == "OK"
    assert headers["Cache-Control"] == "no-store"
    assert abs(time.time() - _epoch(report["datetime"])) < 60


def test_health_1_shows_dependencies_only_with_the_token_and_never_echoes_it(web):
    status, _, body = web.get(f"/health/1/?token={HEALTH_TOKEN}&skip=smtp")
    report = json.loads(body)
    assert status == 200, report
    assert HEALTH_TOKEN not in body.decode()
    assert report["requestUrl"].endswith("/health/1/?skip=smtp")
    assert report["components"] == ["database", "s3", "sqs"]
    assert [(d["name"], d["status"]) for d in report["dependencies"]] == [
        ("database", "OK"),
        ("s3", "OK"),
        ("sqs", "OK"),
    ]
    assert "dependencies" not in json.loads(web.get("/health/1/?token=wrong")[2])


def test_health_1_is_degraded_without_s3_and_down_without_the_database(web, aws, production_env, web_server):
    aws.s3().delete_bucket(Bucket=aws.media_bucket)
    status, _, body = web.get(f"/health/1/?token={HEALTH_TOKEN}")
    report = json.loads(body)
    assert (status, report["status"], report["unavailableComponents"]) == (200, "DEGRADED", ["s3"])
    assert report["components"] == ["database", "s3", "sqs", "smtp"]
    status, _, body = web.get("/health/1/?skip=database,s3,sqs,smtp")
    assert (status, json.loads(body)["status"], json.loads(body)["components"]) == (200, "NOT_CONFIGURED", [])

    broken = web_server(
        {**production_env, "GUNICORN_WORKERS": "1", "DATABASE_URL": production_env["DATABASE_URL"] + "_missing"}
    )
    status, _, body = broken.get("/health/1/?skip=s3,sqs,smtp")
    report = json.loads(body)
    assert (status, report["status"], report["unavailableComponents"]) == (503, "DOWN", ["database"])


def _epoch(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()
