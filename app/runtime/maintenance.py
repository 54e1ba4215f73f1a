"""Read-only mode and the site banner (the operator's maintenance switch and upgrades).

``PANELAPP_READ_ONLY``: every request that could write (anything but GET, HEAD, OPTIONS and
TRACE) is answered 503 with ``PANELAPP_READ_ONLY_MESSAGE`` and a Retry-After, before any view or
form runs, so nothing reaches the database while a migration that cannot run online is applied.
Reads keep working. ``PANELAPP_BANNER`` (as in Genomics England's PanelApp) is a notice shown on
every page; in read-only mode the read-only message is shown too.

Kept in one module so that the views need no change: the middleware sits in settings.MIDDLEWARE
and the banner reaches every template through the context processor. The settings import this
module to read the variables.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils.html import escape

from runtime import contract
from runtime.environment import EnvironmentReader

DEFAULT_READ_ONLY_MESSAGE = contract.variable("PANELAPP_READ_ONLY_MESSAGE").default or ""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
RETRY_AFTER_SECONDS = "300"


@dataclass(frozen=True)
class MaintenanceSettings:
    read_only: bool
    read_only_message: str
    banner: str | None


def read_settings(environ: Mapping[str, str]) -> MaintenanceSettings:
    """The three variables, validated like the rest of the contract (a bad boolean stops start-up)."""
    reader = EnvironmentReader(environ, production=False)
    found = MaintenanceSettings(
        read_only=reader.boolean("PANELAPP_READ_ONLY"),
        read_only_message=reader.text("PANELAPP_READ_ONLY_MESSAGE") or DEFAULT_READ_ONLY_MESSAGE,
        banner=reader.text("PANELAPP_BANNER"),
    )
    reader.raise_if_problems("runtime.maintenance")
    return found


class ReadOnlyMiddleware:
    """503 for writes while settings.PANELAPP_READ_ONLY is set; a JSON body for the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(settings, "PANELAPP_READ_ONLY", False) and request.method not in SAFE_METHODS:
            return refusal(request)
        return self.get_response(request)


def refusal(request):
    message = settings.PANELAPP_READ_ONLY_MESSAGE
    if _wants_json(request):
        response = HttpResponse(json.dumps({"detail": message}), status=503, content_type="application/json")
    else:
        body = (
            f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Read-only · PanelApp'
            f'</title></head><body><main><h1>PanelApp is read-only</h1><p class="banner" role="status">'
            f"{escape(message)}</p><p>Reading panels works as usual.</p></main></body></html>"
        )
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def _wants_json(request) -> bool:
    return request.path.startswith(("/api/", "/WebServices/")) or "application/json" in request.headers.get(
        "Accept", ""
    )


def banner(request) -> dict:
    """Template context: the notices every page shows (base.html includes them)."""
    notices = []
    if getattr(settings, "PANELAPP_READ_ONLY", False):
        notices.append(settings.PANELAPP_READ_ONLY_MESSAGE)
    if getattr(settings, "PANELAPP_BANNER", None):
        notices.append(settings.PANELAPP_BANNER)
    return {"site_notices": notices, "read_only": getattr(settings, "PANELAPP_READ_ONLY", False)}
