"""Background work (Celery). Tasks are idempotent: SQS may deliver a message twice."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def email_panel_promoted(panel_pk: int) -> int:
    """Tell everyone who reviewed an entity of the panel that it was promoted."""
    from django.contrib.auth import get_user_model

    from . import emails
    from .models import GenePanelSnapshot
    from .queries import ENTITY_MODELS_IN_ORDER, snapshot_ids_for_entities

    snapshot = GenePanelSnapshot.objects.select_related("panel", "level4title").get(panel_id=panel_pk)
    ids = snapshot_ids_for_entities(snapshot)
    user_ids: set[int] = set()
    for model in ENTITY_MODELS_IN_ORDER:
        through = model.evaluation.through
        user_ids |= set(
            through.objects.filter(**{f"{model._meta.model_name}__panel_id__in": ids}).values_list(
                "evaluation__user_id", flat=True
            )
        )
    sent = 0
    for user in (
        get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email__isnull=True).exclude(email="")
    ):
        subject, text = emails.panel_promoted(user, snapshot)
        emails.send(user.email, subject, text)
        sent += 1
    logger.info("Promotion of panel %s announced to %d contributors", panel_pk, sent)
    return sent


@shared_task(bind=True, name="panels.tasks.import_upload", max_retries=5)
def import_upload(self, kind: str, upload_pk: int) -> str:
    """Import a curator's uploaded file (panel TSV, reviews TSV or gene JSON), all or nothing.

    Storage or database trouble is retried with a growing delay; when the retries are spent the
    upload is marked failed (and the curator told), never left pending.
    """
    from .services.uploads import TRANSIENT_ERRORS, give_up, run_import

    try:
        return run_import(kind, upload_pk)
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            return give_up(kind, upload_pk)
        raise self.retry(exc=error, countdown=5 * 2**self.request.retries)
