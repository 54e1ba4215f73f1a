"""Limits on how fast anyone can guess passwords or call the API (security review F8).

Login: django-axes counts failed logins in the database (shared by every web process and pod),
per account and per client address separately; past LOGIN_FAILURE_LIMIT failures either is locked
for LOGIN_LOCKOUT_MINUTES with a 429 that says so. A success resets the account's count.

API: DRF throttles per client address (anonymous) and per token user, with rates from
API_THROTTLE_ANON_RATE and API_THROTTLE_TOKEN_RATE, generous enough for pipelines. They count in
the default cache, which is per process: a pod allows its rate once per gunicorn worker.
"""

from __future__ import annotations

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


def client_ip(request) -> str:
    """The client's address: behind the ALB the last X-Forwarded-For entry (the one the ALB
    appended; earlier ones are the client's own claims), else the connection's address."""
    if getattr(settings, "PANELAPP_BEHIND_ALB", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        # Only an address is an address: the failures are stored in an IP address column.
        if forwarded and _is_address(forwarded[-1]):
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def username(request, credentials) -> str:
    """Usernames as counted: case and surrounding spaces do not make a new account to guess."""
    value = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) or request.POST.get(
        settings.AXES_USERNAME_FORM_FIELD, ""
    )
    # The failures table keeps 255 characters; a longer name was a 500 (and is no real username).
    return str(value).strip().lower()[:255]


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check, for logins that come with a request (every login page does). Logins
    without one (management commands, the test client's login()) have no client to count."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AnonymousApiThrottle(AnonRateThrottle):
    """Anonymous API requests per client address; API_THROTTLE_ANON_RATE (None: unlimited)."""

    def get_rate(self):
        return getattr(settings, "API_THROTTLE_ANON_RATE", None)

    def get_ident(self, request):
        return client_ip(request)


class TokenApiThrottle(UserRateThrottle):
    """API requests of a signed-in user or token; API_THROTTLE_TOKEN_RATE (None: unlimited)."""

    def get_rate(self):
        return getattr(settings, "API_THROTTLE_TOKEN_RATE", None)

    def get_ident(self, request):
        return client_ip(request)


def lockout_response(request, original_response=None, credentials=None):
    """429 with what happened and when to try again (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    response = render(request, "accounts/locked.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
