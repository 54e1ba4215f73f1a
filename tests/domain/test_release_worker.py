"""Releases and the MOI check through a real Celery worker over moto SQS, as in production: the
web process queues the deployment, the worker deploys it; the MOI report leaves by SMTP."""

import csv
import io
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from moi_checks.tasks import moi_check
from releases.models import Release, ReleaseDeployment

from .conftest import BIALLELIC

REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres]


def wait_for_deployment(release_pk: int, timeout: float = 90.0) -> ReleaseDeployment:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deployment = ReleaseDeployment.objects.get(release_id=release_pk)
        if deployment.state != ReleaseDeployment.State.QUEUED:
            return deployment
        time.sleep(0.25)
    raise AssertionError(f"the worker did not deploy release {release_pk} within {timeout}s")


@pytest.mark.django_db(transaction=True)
def test_the_worker_deploys_a_release_and_mails_the_moi_report(
    aws, celery_worker, tasks_over_sqs, smtp, client, make_panel, curator
):
    from tests.fixtures.services import worker_database_env

    worker = celery_worker(
        env={**worker_database_env(), **smtp.env, "PYTHONPATH": f"{REPO_ROOT / 'app'}:{REPO_ROOT}"},
        settings="tests.domain.worker_settings",
    )
    panel = make_panel("Worker release panel", genes=["DMD"], moi=BIALLELIC)  # DMD is on X
    client.force_login(curator)
    client.post("/releases/create/", {"name": "Worker release", "promotion_comment": "Release {{ version }}"})
    release = Release.objects.get(name="Worker release")
    csv_file = SimpleUploadedFile("r.csv", f"Panel ID,Promote\n{panel.panel_id},true\n".encode())
    assert client.post(f"/releases/{release.pk}/panels/import/", {"import_file": csv_file}).status_code == 302

    assert client.post(f"/releases/{release.pk}/deployment/").status_code == 302
    deployment = wait_for_deployment(release.pk)
    assert deployment.state == "done", (deployment.error, worker.output()[-3000:])
    panel.refresh_from_db()
    assert panel.version == "1.1" and panel.panel.signed_off.version == "1.0"
    assert "Release 1.0" in panel.version_comment

    moi_check.delay()
    [message] = smtp.wait_for(1)
    assert message["Subject"].startswith("MOI Errors - ")
    assert message["To"] == "panelapp@panelapp.local"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename().startswith("incorrect_moi_")
    content = attachment.get_content()
    content = content.decode() if isinstance(content, bytes) else content
    assert list(csv.reader(io.StringIO(content))) == [
        ["check_type", "gene", "panel", "panel_id", "moi", "message"],
        [
            "MOI Not Allowed Values",
            "DMD",
            "Worker release panel v1.1",
            str(panel.panel_id),
            BIALLELIC,
            f"Green gene DMD on chromosome X with {BIALLELIC} MOI on panel Worker release panel v1.1",
        ],
    ]
