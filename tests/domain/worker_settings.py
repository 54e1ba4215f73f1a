"""Settings for the Celery worker subprocess of the upload tests.

The test settings plus what production has and the tests need to share across processes: media
files in the S3 media bucket (moto) and email to the SMTP sink, both from the environment the
test fixtures set.
"""

import os

from panelapp.settings.test import *  # noqa: F403 - a settings module extends the test settings whole
from panelapp.settings.test import STORAGES

MEDIA_STORAGE = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        "bucket_name": os.environ["AWS_S3_MEDIAFILES_BUCKET_NAME"],
        "location": "media",
        "endpoint_url": os.environ["AWS_S3_ENDPOINT_URL"],
        "region_name": os.environ["AWS_REGION"],
        "access_key": os.environ["AWS_ACCESS_KEY_ID"],
        "secret_key": os.environ["AWS_SECRET_ACCESS_KEY"],
        "file_overwrite": False,
    },
}
STORAGES = {**STORAGES, "default": MEDIA_STORAGE}

if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ["EMAIL_PORT"])
    EMAIL_USE_TLS = False
