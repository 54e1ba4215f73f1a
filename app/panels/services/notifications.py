"""The emails panels' changes send: a promotion to everyone who reviewed the panel, an import's
outcome to its curator. The texts are in ``panels.emails``; the tasks call these."""

from __future__ import annotations

import logging

from .. import emails
from ..models import Upload
from ..selectors.panels import snapshot_of_panel
from ..selectors.reviews import reviewers_to_tell

logger = logging.getLogger(__name__)


def announce_promotion(panel_id: int) -> int:
    """Tell everyone who reviewed an entity of the panel that it was promoted; the number told."""
    snapshot = snapshot_of_panel(panel_id)
    sent = 0
    for user in reviewers_to_tell(snapshot):
        if not user.email:
            continue  # never: reviewers_to_tell keeps the users with an address
        subject, text = emails.panel_promoted(user, snapshot)
        emails.send(user.email, subject, text)
        sent += 1
    logger.info("Promotion of panel %s announced to %d contributors", panel_id, sent)
    return sent


def announce_import(upload: Upload) -> None:
    """Tell the curator who uploaded a file how its import ended (``upload.user`` loaded)."""
    if upload.user and upload.user.email:
        subject, text = emails.import_finished(upload)
        emails.send(upload.user.email, subject, text)
