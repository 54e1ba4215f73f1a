"""Account emails, sent through the project's email task (retried on SMTP trouble)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from runtime.tasks import send_email

from .models import User
from .verification import verification_path


def _base_url() -> str:
    return getattr(settings, "PANEL_APP_BASE_URL", "https://panelapp.local").rstrip("/")


def _send(to: str, subject: str, text: str) -> None:
    send_email.delay(to, subject, text)


def _user(user_id: int):
    return User.objects.select_related("reviewer").get(pk=user_id)


@shared_task(name="accounts.tasks.existing_account_email")
def existing_account_email(email: str) -> None:
    """Someone registered with an address that has an account: tell its owner, not the form."""
    _send(
        email,
        "PanelApp: someone tried to register with your email address",
        "Dear PanelApp user,\n\n"
        "Someone tried to create a PanelApp account with this email address, which already has one, so no "
        "new account was made. If it was you, log in with your username, or reset your password here:\n\n"
        f"{_base_url()}{reverse('accounts:password_reset')}\n\n"
        "If it was not you, you need do nothing.\n\nThe PanelApp team\n",
    )


@shared_task(name="accounts.tasks.registration_email")
def registration_email(user_id: int) -> None:
    """Welcome the new user and ask them to confirm their email address."""
    user = _user(user_id)
    _send(
        user.email,
        "Welcome to PanelApp: please confirm your email address",
        f"Dear {user.display_name()},\n\n"
        "Thank you for registering with PanelApp. Please confirm your email address within 3 days:\n\n"
        f"{_base_url()}{verification_path(user)}\n\n"
        "Once confirmed you can log in, see your API token and follow panels. A curator will review "
        "your request to become a reviewer.\n\nThe PanelApp team\n",
    )


@shared_task(name="accounts.tasks.reviewer_confirmation_request_email")
def reviewer_confirmation_request_email(user_id: int) -> None:
    """Ask the curators (PANEL_APP_EMAIL) to approve a new reviewer."""
    user = _user(user_id)
    reviewer = user.reviewer
    admin_prefix = getattr(settings, "ADMIN_URL", "admin/")
    _send(
        getattr(settings, "PANEL_APP_EMAIL", "panelapp@panelapp.local"),
        "New reviewer request",
        f"{user.display_name()} <{user.email}> asks to become a PanelApp reviewer.\n\n"
        f"Username: {user.username}\nAffiliation: {reviewer.affiliation}\nRole: {reviewer.role}\n"
        f"Workplace: {reviewer.workplace}\nGroup: {reviewer.group}\n\n"
        f"Confirm the reviewer: {_base_url()}/{admin_prefix}accounts/user/{user.pk}/actions/confirm_reviewer/\n",
    )


@shared_task(name="accounts.tasks.reviewer_confirmed_email")
def reviewer_confirmed_email(user_id: int) -> None:
    user = _user(user_id)
    _send(
        user.email,
        "You are now a PanelApp reviewer",
        f"Dear {user.display_name()},\n\nYou have been approved as a PanelApp reviewer. You can now review "
        f"genes, STRs and regions and suggest new ones:\n\n{_base_url()}{reverse('panels:index')}\n\nThe PanelApp team\n",
    )
