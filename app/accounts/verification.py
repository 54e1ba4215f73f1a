"""Email-address verification links: ``/accounts/verify_email/<b64 email>/<signed user id>/``.

The signature carries its own timestamp, so a link expires after
ACCOUNT_EMAIL_VERIFICATION_PERIOD_DAYS (3) without storing anything.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "panelapp.accounts.verify-email"


def _period_seconds() -> int:
    return int(getattr(settings, "ACCOUNT_EMAIL_VERIFICATION_PERIOD_DAYS", 3)) * 24 * 3600


def encode_email(email: str) -> str:
    return base64.urlsafe_b64encode(email.encode()).decode().rstrip("=")


def decode_email(encoded: str) -> str:
    padded = encoded + "=" * (-len(encoded) % 4)
    return base64.urlsafe_b64decode(padded.encode()).decode()


def verification_path(user) -> str:
    token = signing.TimestampSigner(salt=SALT).sign(str(user.pk))
    return reverse("accounts:verify_email", args=[encode_email(user.email), token])


class Expired(Exception):
    pass


class Invalid(Exception):
    pass


def verified_user_id(encoded_email: str, token: str) -> tuple[int, str]:
    """The user id the link was issued for, and the email in it. Raises Expired or Invalid."""
    try:
        email = decode_email(encoded_email)
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=_period_seconds())
    except signing.SignatureExpired:
        raise Expired() from None
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise Invalid() from None
    return int(value), email


def expired_link_user_id(token: str) -> int | None:
    """The user id of a genuine but expired link (to send a fresh one)."""
    try:
        return int(signing.TimestampSigner(salt=SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
