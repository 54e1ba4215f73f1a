"""The emails PanelApp sends about panels. Delivery goes through the project's email task."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from runtime.tasks import send_email

from .models import GenePanelSnapshot, Upload


def base_url() -> str:
    return getattr(settings, "PANEL_APP_BASE_URL", "https://panelapp.local").rstrip("/")


def send(to: str, subject: str, text: str) -> None:
    """Queue one email; the project's email task retries on transient SMTP failures."""
    send_email.delay(to, subject, text)


def panel_promoted(user: User, snapshot: GenePanelSnapshot) -> tuple[str, str]:
    subject = "A panel you reviewed has been promoted"
    text = (
        f"Dear {user.display_name()},\n\n"
        f"The panel {snapshot.level4title.name} that you reviewed has been promoted to version "
        f"{snapshot.version}.\n\n"
        f"{base_url()}/panels/{snapshot.panel_id}/\n\n"
        "Thank you for your contribution,\nThe PanelApp team\n"
    )
    return subject, text


def import_finished(upload: Upload) -> tuple[str, str]:
    noun = {"panel": "panel list", "reviews": "reviews list", "genes": "gene list"}[upload.kind]
    if upload.status == upload.Status.IMPORTED:
        subject = f"Success importing {noun}"
        text = f"Your {noun} has been imported.\n\n{upload.import_log}\n"
    else:
        subject = f"Error importing {noun}"
        lines = "\n".join(
            f"{'Line ' + str(e['line']) if e['line'] else 'File'}{', ' + e['column'] if e['column'] else ''}: {e['reason']}"
            for e in upload.errors
        )
        text = f"Your {noun} was rejected; nothing was imported.\n\n{lines}\n"
    return subject, f"{text}\n{base_url()}/panels/uploads/{upload.kind}/{upload.pk}/\n"
