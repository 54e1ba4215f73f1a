"""Verification of the ALB's ``x-amzn-oidc-data`` token.

When an AWS Application Load Balancer authenticates a user with Cognito, it forwards the user's
claims as a JWT signed by the ALB itself (ES256 by default). Two quirks shape this module:

* Every segment is base64url WITH '=' padding, which many JWT libraries reject. The signature
  covers the segments exactly as received, so the padding must be kept (PyJWT >= 2.15.1 does).
* The key is not a JWKS: ``<public key endpoint><kid>`` returns one PEM public key. Keys never
  change for a kid, so they are cached per kid for the life of the process; unknown kids are
  remembered briefly too, so forged tokens cannot make us hammer the key endpoint.

Only the configured algorithm is accepted (never ``none``, never HMAC), ``exp`` is required and
checked (in the claims and, when present, in the header), and the token must carry an email.

What AWS documents for these tokens is checked too: the header's ``signer`` is one of the
configured load balancer ARNs (AWS_ALB_ARNS; every ALB of a region signs with keys from the same
public endpoint, so a signature alone proves only that *some* ALB made the token), ``client`` is
present and is our user pool's app client, and ``iss`` is our user pool. ``email_verified`` is
passed on: the middleware refuses an address the user pool has not verified.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key

logger = logging.getLogger("panelapp.cognito")

#: ALB key ids are UUIDs; anything else must not reach the key endpoint URL.
_KID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
#: Far larger than any real ALB token; refuses absurd headers before any parsing.
MAX_TOKEN_LENGTH = 16 * 1024
KEY_FETCH_TIMEOUT_SECONDS = 3
UNKNOWN_KID_RETRY_SECONDS = 60
MAX_CACHED_KIDS = 256


class TokenRejected(Exception):
    """The token cannot be trusted. ``reason`` is safe to log (it never holds the token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AlbIdentity:
    email: str
    given_name: str
    family_name: str
    subject: str
    email_verified: bool = False


def signer_allowed(signer: str, allowed: tuple[str, ...]) -> bool:
    """``signer`` equals one of ``allowed``, or starts with one that ends in ``*`` (e.g. every
    ALB of one account and region: ``arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/*``)."""
    for pattern in allowed:
        if pattern.endswith("*") and signer.startswith(pattern[:-1]):
            return True
        if signer == pattern:
            return True
    return False


class PublicKeyCache:
    """PEM public keys fetched from ``<endpoint><kid>``, cached per kid (thread-safe, bounded)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._keys: OrderedDict[str, Any] = OrderedDict()
        self._unknown: dict[str, float] = {}
        self._lock = threading.Lock()

    def get(self, kid: str):
        with self._lock:
            if kid in self._keys:
                self._keys.move_to_end(kid)
                return self._keys[kid]
            failed_at = self._unknown.get(kid)
            if failed_at is not None and time.monotonic() - failed_at < UNKNOWN_KID_RETRY_SECONDS:
                raise TokenRejected("unknown signing key id")
        key = self._fetch(kid)  # outside the lock: a slow endpoint must not serialise all requests
        with self._lock:
            self._keys[kid] = key
            while len(self._keys) > MAX_CACHED_KIDS:
                self._keys.popitem(last=False)
        return key

    def _fetch(self, kid: str):
        url = f"{self.endpoint}{kid}"
        try:
            with urllib.request.urlopen(url, timeout=KEY_FETCH_TIMEOUT_SECONDS) as response:
                pem = response.read(64 * 1024)
            return load_pem_public_key(pem)
        except (urllib.error.URLError, OSError, ValueError) as error:
            with self._lock:
                if len(self._unknown) > MAX_CACHED_KIDS:
                    self._unknown.clear()
                self._unknown[kid] = time.monotonic()
            logger.warning("could not obtain ALB public key %s: %s", url, type(error).__name__)
            raise TokenRejected("unknown signing key id") from None


class AlbTokenVerifier:
    def __init__(
        self,
        *,
        key_endpoint: str,
        algorithm: str = "ES256",
        sections: int = 3,
        client_id: str | None = None,
        leeway_seconds: int = 0,
        signers: tuple[str, ...] = (),
        issuer: str | None = None,
    ) -> None:
        self.keys = PublicKeyCache(key_endpoint)
        self.algorithm = algorithm
        self.sections = sections
        self.client_id = client_id
        self.leeway_seconds = leeway_seconds
        #: The load balancer ARNs whose tokens are trusted; none configured trusts no token.
        self.signers = tuple(signers)
        self.issuer = issuer

    def verify(self, token: str) -> AlbIdentity:
        """The identity in ``token``; raises TokenRejected for anything that is not a valid ALB token."""
        if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            raise TokenRejected("malformed token")
        if len(token.split(".")) != self.sections:
            raise TokenRejected(f"malformed token: expected {self.sections} sections")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenRejected("malformed token header") from None
        if header.get("alg") != self.algorithm:
            # Covers 'none' and algorithm confusion (e.g. HS256 with the public key as secret).
            raise TokenRejected(f"algorithm {str(header.get('alg'))[:20]!r} is not {self.algorithm}")
        kid = header.get("kid")
        if not isinstance(kid, str) or not _KID.match(kid):
            raise TokenRejected("missing or malformed key id")
        signer = header.get("signer")
        if not isinstance(signer, str) or not signer_allowed(signer, self.signers):
            raise TokenRejected("token signed by a load balancer that is not configured (signer)")
        if not self.client_id or header.get("client") != self.client_id:
            raise TokenRejected("token issued for another client")
        if not self.issuer or header.get("iss") != self.issuer:
            raise TokenRejected("token issued by another user pool (iss)")
        header_exp = header.get("exp")
        if header_exp is not None and (
            not isinstance(header_exp, (int, float)) or header_exp + self.leeway_seconds < time.time()
        ):
            raise TokenRejected("token expired")
        key = self.keys.get(kid)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[self.algorithm],
                leeway=self.leeway_seconds,
                options={"require": ["exp"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRejected("token expired") from None
        except jwt.InvalidSignatureError:
            raise TokenRejected("bad signature") from None
        except jwt.PyJWTError as error:
            raise TokenRejected(f"invalid token: {type(error).__name__}") from None
        if "iss" in claims and claims["iss"] != self.issuer:
            raise TokenRejected("token issued by another user pool (iss)")
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email or len(email) > 254:
            raise TokenRejected("token carries no email claim")
        # Cognito sends the string "true" or "false"; other identity providers a JSON boolean.
        verified = claims.get("email_verified")
        return AlbIdentity(
            email=email.strip(),
            given_name=_text(claims.get("given_name"), 150),
            family_name=_text(claims.get("family_name"), 150),
            subject=_text(claims.get("sub"), 255),
            email_verified=verified is True or (isinstance(verified, str) and verified.lower() == "true"),
        )


def _text(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""
