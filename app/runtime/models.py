"""Project-level models: the ledger that makes Celery tasks idempotent under SQS redelivery."""

from django.db import models


class CompletedTask(models.Model):
    """A Celery task message that ran to completion.

    SQS delivers at least once: a message is delivered again when a worker dies or is slower than
    the visibility timeout. A redelivered message keeps its task id, so a task that finds its id
    here has already done its work and returns without doing it twice.
    """

    task_id = models.CharField(max_length=255, unique=True)
    task_name = models.CharField(max_length=255)
    completed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "completed task"

    def __str__(self) -> str:
        return f"{self.task_name}[{self.task_id}]"
