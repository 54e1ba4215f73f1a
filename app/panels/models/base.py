from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    """``created``/``modified`` on most PanelApp rows.

    ``created`` is a plain default rather than ``auto_now_add`` because a panel snapshot resets it
    on every version bump (it is the API's ``version_created``).
    """

    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
