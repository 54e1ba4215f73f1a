"""Background work (Celery): thin wrappers over the services. Tasks are idempotent: SQS may
deliver a message twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from runtime.idempotency import once_per_message

from .services import importing, notifications, review_copy


@shared_task
def email_panel_promoted(panel_pk: int) -> int:
    """Tell everyone who reviewed an entity of the panel that it was promoted."""
    return notifications.announce_promotion(panel_pk)


@shared_task(bind=True, name="panels.tasks.import_upload", max_retries=5)
def import_upload(self: Any, kind: str, upload_pk: int) -> str:
    """Import a curator's uploaded file (panel TSV, reviews TSV or gene JSON), all or nothing.

    Storage or database trouble is retried with a growing delay; when the retries are spent the
    upload is marked failed (and the curator told), never left pending.
    """
    try:
        return importing.run_import(kind, upload_pk)
    except importing.TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            return importing.give_up(kind, upload_pk)
        raise self.retry(exc=error, countdown=5 * 2**self.request.retries) from error


@shared_task(bind=True, name="panels.tasks.copy_reviews")
@once_per_message
def copy_reviews(self: Any, user_pk: int, gene_symbols: list[str], from_panel_id: int, to_panel_id: int) -> int:
    """Copy a curator's chosen genes' reviews from one panel to another and email them the result."""
    return review_copy.run_copy(user_pk, gene_symbols, from_panel_id, to_panel_id)
