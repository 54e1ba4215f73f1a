"""Project-wide Celery tasks: email, and housekeeping of the idempotency ledger.

Email is always sent from a task so that a slow or unavailable SMTP server never slows a page;
transient SMTP failures are retried with exponential backoff, permanent ones are not.
"""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from runtime.idempotency import forget_completed_before, once_per_message

logger = logging.getLogger("panelapp.tasks")

MAX_EMAIL_ATTEMPTS = 10


class TransientEmailError(Exception):
    """An SMTP failure worth retrying (connection problems, 4xx answers)."""


def is_transient(error: Exception) -> bool:
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    # Connection refused, DNS failure, timeout: the server may come back.
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def deliver(messages: list[EmailMultiAlternatives]) -> int:
    """Send over one SMTP connection; transient failures become TransientEmailError."""
    try:
        with get_connection() as connection:
            return connection.send_messages(messages) or 0
    except Exception as error:
        if is_transient(error):
            raise TransientEmailError(f"{type(error).__name__}: {error}") from error
        raise


def build_message(email: str | list[str], subject: str, text: str, html: str | None = None) -> EmailMultiAlternatives:
    recipients = [email] if isinstance(email, str) else list(email)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, recipients)
    if html:
        message.attach_alternative(html, "text/html")
    return message


def email_task(name: str):
    """``shared_task`` for a task that sends email: retried while the SMTP trouble is transient."""
    return shared_task(
        name=name,
        bind=True,
        autoretry_for=(TransientEmailError,),
        # 2 s, 4 s, 8 s ... up to 10 min, randomised so a recovering server is not hit all at once.
        retry_backoff=2,
        retry_backoff_max=600,
        retry_jitter=True,
        max_retries=MAX_EMAIL_ATTEMPTS - 1,
    )


# The names are those of the project package, where the tasks were first defined: messages queued
# by an earlier version (on SQS during an upgrade) still find their task.
@email_task("panelapp.tasks.send_email")
@once_per_message
def send_email(self, email: str | list[str], subject: str, text: str, html: str | None = None) -> None:
    deliver([build_message(email, subject, text, html)])
    logger.info("email %r sent to %d recipient(s)", subject, 1 if isinstance(email, str) else len(email))


@email_task("panelapp.tasks.send_mass_email")
@once_per_message
def send_mass_email(self, messages: list[dict]) -> None:
    """``messages``: dicts with email, subject, text and optionally html."""
    deliver([build_message(m["email"], m["subject"], m["text"], m.get("html")) for m in messages])
    logger.info("%d emails sent", len(messages))


@shared_task(name="panelapp.tasks.ping")
def ping() -> str:
    """A no-op for diagnostics: proves a worker consumes the queue."""
    logger.info("pong")
    return "pong"


@shared_task(name="panelapp.tasks.forget_completed_tasks")
def forget_completed_tasks() -> int:
    deleted = forget_completed_before()
    logger.info("forgot %d completed task id(s)", deleted)
    return deleted
