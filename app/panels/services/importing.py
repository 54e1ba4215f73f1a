"""Importing a curator's stored upload (panel TSV, reviews TSV or gene JSON): the import task's work.

The upload row records the outcome (imported, or rejected with every problem), so the curator
sees it on the upload's page, and is emailed it. Importing is all or nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import InterfaceError, OperationalError, transaction

from ..imports.common import ImportRejected, Problem
from ..imports.genes_json import import_genes_json
from ..imports.panel_tsv import import_panel_tsv
from ..imports.reviews_tsv import import_reviews_tsv
from ..models import UPLOAD_MODELS, Upload
from ..models.uploads import UploadModel
from .notifications import announce_import

logger = logging.getLogger(__name__)

IMPORTERS = {"panel": import_panel_tsv, "reviews": import_reviews_tsv, "genes": import_genes_json}
SUCCESS_LOG = {
    "panel": "Panel list successfully imported",
    "reviews": "Reviews list successfully imported",
    "genes": "Gene list successfully imported",
}


#: Trouble of the storage or the database, not of the file: the task retries these, and gives up
#: (``give_up``) only when its retries are spent.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)


def run_import(kind: str, upload_pk: int) -> str:
    """Import one stored upload. Safe to run twice: a finished upload is left alone.

    Whatever is wrong with the file ends the upload ``failed``, with the reasons and an email:
    the importers' ``ImportRejected``, and any other error the file provokes (a value the
    database refuses, a parser's limit). Only ``TRANSIENT_ERRORS`` are raised, for a retry.
    """
    model = UPLOAD_MODELS[kind]
    try:
        with transaction.atomic():
            upload = model.objects.select_for_update().get(pk=upload_pk)
            if upload.is_finished():
                logger.info("upload %s %s already %s", kind, upload_pk, upload.status)
                return upload.status
            with upload.file.open("rb") as handle:
                summary = IMPORTERS[kind](handle, upload.user)
            upload.status, upload.imported, upload.summary = Upload.Status.IMPORTED, True, summary
            upload.import_log = SUCCESS_LOG[kind]
            upload.errors = []
            upload.save()
    except ImportRejected as rejected:
        _reject(model, upload_pk, [p.as_dict() for p in rejected.problems])
    except TRANSIENT_ERRORS:
        # Not the file's fault (storage or database trouble): let Celery retry, reveal no details.
        logger.exception("importing %s upload %s failed; it will be retried", kind, upload_pk)
        raise
    except Exception:
        logger.exception("importing %s upload %s failed on an unexpected error", kind, upload_pk)
        _reject(model, upload_pk, [UNREADABLE.as_dict()])
    return _finish(model, upload_pk)


UNREADABLE = Problem(
    None,
    "",
    "The file could not be imported: it holds something the importer cannot handle. Nothing was imported; "
    "check the file (or send it to the PanelApp team) and upload it again.",
)
GAVE_UP = Problem(
    None,
    "",
    "The file could not be imported because storage or the database was unavailable, after several "
    "attempts. Nothing was imported; upload it again later.",
)


def give_up(kind: str, upload_pk: int) -> str:
    """The task's retries are spent: the upload ends ``failed`` instead of pending for ever."""
    model = UPLOAD_MODELS[kind]
    _reject(model, upload_pk, [GAVE_UP.as_dict()])
    return _finish(model, upload_pk)


def _finish(model: UploadModel, upload_pk: int) -> str:
    upload = model.objects.select_related("user").get(pk=upload_pk)
    announce_import(upload)
    return upload.status


def _reject(model: UploadModel, upload_pk: int, problems: list[dict[str, Any]]) -> None:
    lines = len({p["line"] for p in problems if p["line"] is not None})
    model.objects.filter(pk=upload_pk, status=Upload.Status.PENDING).update(
        status=Upload.Status.FAILED,
        imported=False,
        errors=problems,
        import_log=f"Rejected: {len(problems)} problem(s) on {lines} line(s); nothing was imported.",
    )
