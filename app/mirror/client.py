"""Reading another PanelApp's API v1 over HTTP: timeouts, retries, and every answer checked.

urllib3 (already in the image as botocore's HTTP library) does the requests. Each GET has a
connect and a read timeout and is retried on connection errors, timeouts and 429/5xx answers
with a short backoff, or after the time a 429's Retry-After asks for. Only the source's own origin is ever requested: a ``next`` link that
leads elsewhere, or a redirect, is an error rather than a request to another host. Anything
that is not a 200 JSON answer of a bounded size is a :class:`MirrorError` saying what came back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

#: The largest answer read (a panel of several thousand genes is a few MB).
MAX_BYTES = 256 * 1024 * 1024
USER_AGENT = "PanelApp-mirror/1"


class MirrorError(Exception):
    """A source that cannot be mirrored: unreachable, too slow, or answering something unexpected."""


def normalise_base(url: str) -> str:
    """``https://host/prefix`` -> ``https://host/prefix/``; refuses what is not an http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MirrorError(f"{url!r} is not a PanelApp address: give its base URL, e.g. https://panelapp.example.org")
    if parts.query or parts.fragment:
        raise MirrorError(f"{url!r}: give the base URL without a query or fragment")
    path = parts.path.rstrip("/")
    if path.endswith("/api/v1"):
        path = path[: -len("/api/v1")]
    return f"{parts.scheme}://{parts.netloc}{path}/"


@dataclass
class SourceClient:
    """GETs against one PanelApp's ``api/v1/``; ``requests`` lists every path asked for, in order."""

    base_url: str
    timeout: float = 30.0
    retries: int = 3
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.base_url = normalise_base(self.base_url)
        self.api_url = urljoin(self.base_url, "api/v1/")
        origin = urlsplit(self.base_url)
        self._origin = (origin.scheme, origin.netloc.lower())
        self._pool = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
            retries=Retry(
                total=self.retries,
                connect=self.retries,
                read=self.retries,
                status=self.retries,
                other=0,
                redirect=0,
                backoff_factor=0.2,
                status_forcelist=(429, 500, 502, 503, 504),
                allowed_methods=frozenset({"GET"}),
                raise_on_status=False,
                # A source that throttles (429) says when to come back: the mirror waits that long.
                respect_retry_after_header=True,
            ),
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        )

    # -- addresses -----------------------------------------------------------------------------

    def url(self, path: str, **query: str) -> str:
        """An API v1 address: ``path`` relative to ``api/v1/``, each segment already quoted."""
        address = urljoin(self.api_url, path)
        return f"{address}?{urlencode(query)}" if query else address

    @staticmethod
    def segment(name: str) -> str:
        """An entity or panel name as one path segment (names may hold spaces, ``#``, ``$``...)."""
        return quote(name, safe="")

    def _check_origin(self, url: str) -> None:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc.lower()) != self._origin:
            raise MirrorError(f"the source linked to {url}, outside {self.base_url}; refusing to follow it")

    # -- requests ------------------------------------------------------------------------------

    def get_json(self, url: str) -> Any:
        """The decoded JSON of a 200 answer to GET ``url``; MirrorError for anything else."""
        self._check_origin(url)
        parts = urlsplit(url)
        self.requests.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        try:
            response = self._pool.request("GET", url, preload_content=False, redirect=False)
        except MaxRetryError as error:
            raise MirrorError(self._unreachable(url, error.reason)) from None
        except (ConnectTimeoutError, ReadTimeoutError, NewConnectionError, ProtocolError) as error:
            raise MirrorError(self._unreachable(url, error)) from None
        try:
            body = self._read(url, response)
        finally:
            response.release_conn()
        if response.status != 200:
            if 300 <= response.status < 400:
                where = response.headers.get("Location", "")
                raise MirrorError(
                    f"{url} answered HTTP {response.status} (a redirect to {where!r}): give the address it "
                    "redirects to with --from"
                )
            raise MirrorError(f"{url} answered HTTP {response.status}: {_excerpt(body)}")
        content_type = response.headers.get("Content-Type", "")
        if "json" not in content_type.lower():
            raise MirrorError(
                f"{url} answered {content_type or 'no content type'}, not JSON: {_excerpt(body)} "
                "(is this the base URL of a PanelApp?)"
            )
        try:
            return json.loads(body)
        except ValueError as error:
            raise MirrorError(f"{url} answered malformed JSON ({error}): {_excerpt(body)}") from None

    def _read(self, url: str, response: urllib3.BaseHTTPResponse) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.stream(1024 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise MirrorError(f"{url} answered more than {MAX_BYTES // (1024 * 1024)} MiB; refusing it")
                chunks.append(chunk)
        except ReadTimeoutError:
            raise MirrorError(f"{url} stopped answering for more than {self.timeout:g}s") from None
        except HTTPError as error:
            raise MirrorError(self._unreachable(url, error)) from None
        return b"".join(chunks)

    def _unreachable(self, url: str, reason: object) -> str:
        tries = f"{self.retries + 1} attempt{'s' if self.retries else ''}"
        if isinstance(reason, ReadTimeoutError):
            return f"{url}: no answer within {self.timeout:g}s ({tries})"
        if isinstance(reason, NewConnectionError):
            return f"{url}: could not connect ({_root_cause(reason)}; {tries})"
        if isinstance(reason, ConnectTimeoutError):  # after NewConnectionError, its subclass
            return f"{url}: no connection within {self.timeout:g}s ({tries})"
        if isinstance(reason, ProtocolError):
            return f"{url}: the connection broke ({_root_cause(reason)}; {tries})"
        return f"{url}: {_root_cause(reason)} ({tries})"

    def pages(self, url: str, what: str) -> Iterator[Any]:
        """Every item of a paginated list (``{count, next, previous, results}``), page after page."""
        seen: set[str] = set()
        next_url: str | None = url
        while next_url is not None:
            if next_url in seen:
                raise MirrorError(f"{what}: the page {next_url} links back to itself")
            seen.add(next_url)
            page = self.get_json(next_url)
            if not isinstance(page, dict) or not isinstance(page.get("results"), list) or "next" not in page:
                raise MirrorError(
                    f"{next_url}: expected a page of {what} ({{count, next, previous, results}}), got {_shape(page)}"
                )
            link = page["next"]
            if link is not None and not isinstance(link, str):
                raise MirrorError(f"{next_url}: 'next' must be a link or null, got {_shape(link)}")
            yield from page["results"]
            next_url = urljoin(next_url, link) if link is not None else None

    def close(self) -> None:
        self._pool.clear()


def _root_cause(error: object) -> str:
    text = str(error)
    for known in ("Connection refused", "Name or service not known", "Connection reset", "timed out"):
        if known.lower() in text.lower():
            return known.lower() if known != "Connection refused" else "connection refused"
    return text[:200]


def _excerpt(body: bytes, limit: int = 120) -> str:
    text = body[:limit].decode("utf-8", errors="replace").strip().replace("\n", " ")
    return repr(text + ("..." if len(body) > limit else "")) if text else "an empty body"


def _shape(value: object) -> str:
    if isinstance(value, dict):
        keys = ", ".join(list(map(str, value))[:8])
        return f"an object with keys [{keys}]"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return f"{type(value).__name__} {str(value)[:60]!r}"
