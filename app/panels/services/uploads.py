"""Curators' file uploads: stored in the media storage (S3), then imported by a Celery task
(``panels.tasks.import_upload``, the work in ``services.importing``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from accounts.roles import is_curator

from ..models import UPLOAD_MODELS, Upload
from ..tasks import import_upload


def start_upload(kind: str, user: User, uploaded_file: UploadedFile) -> Upload:
    """Store the file and queue its import (after this transaction commits)."""
    if not is_curator(user):
        raise PermissionDenied("Only curators can upload files.")
    upload = UPLOAD_MODELS[kind](user=user)
    upload.file.save(uploaded_file.name, uploaded_file, save=False)
    upload.save()
    transaction.on_commit(lambda: import_upload.delay(kind, upload.pk))
    return upload
