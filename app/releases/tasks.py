"""Background work of releases: a thin task over ``services.deploy`` (idempotent: a deployment
runs once, whatever SQS redelivers)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="releases.tasks.deploy_release")
def deploy_release(deployment_id: int) -> str:
    """Deploy a queued release in one transaction; its state afterwards (done or failed)."""
    return services.deploy(deployment_id)
