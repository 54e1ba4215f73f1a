"""Dependency checks behind ``/health/``: database, S3 buckets, SQS queue, SMTP server.

Only a request with the HEALTH_CHECK_TOKEN (``?token=`` or the ``X-Health-Token`` header) runs
the checks and sees which dependency failed, and why (``{"status": "DOWN", "checks": ...}`` with
503), because error details describe the infrastructure and each check costs connections. Anyone
else gets the cheap answer ``{"status": "OK"}``: the process is up (runtime.probes).

Each check is short (3 s timeouts, no retries), reads nothing and writes nothing, so that a probe
or an impatient operator cannot load the dependencies.
"""

from __future__ import annotations

import hmac
import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from botocore.exceptions import ClientError
from django.conf import settings
from django.db import connection
from django.http import HttpRequest

logger = logging.getLogger("panelapp.health")

TIMEOUT_SECONDS = 3
#: A key nobody writes: reading it answers NoSuchKey when the bucket is reachable and readable.
S3_PROBE_KEY = ".panelapp-health-probe"


@dataclass
class CheckResult:
    status: str  # "OK" or "DOWN"
    detail: str = ""
    seconds: float = 0.0


@dataclass
class HealthReport:
    checks: dict[str, CheckResult] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(result.status == "OK" for result in self.checks.values())

    def as_json(self, *, details: bool) -> dict:
        body: dict = {"status": "OK" if self.ok else "DOWN"}
        if details:
            body["checks"] = {
                name: {"status": r.status, "detail": r.detail, "seconds": round(r.seconds, 3)}
                for name, r in self.checks.items()
            }
        return body


def token_is_valid(request: HttpRequest) -> bool:
    expected = settings.HEALTH_CHECK_TOKEN or ""
    given = request.GET.get("token") or request.headers.get("X-Health-Token") or ""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _aws_client(service: str, **overrides):
    # boto3 takes a second to import: only a /health/ request with the token checks S3 and SQS.
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=TIMEOUT_SECONDS, read_timeout=TIMEOUT_SECONDS, retries={"total_max_attempts": 1})
    kwargs = {key: value for key, value in overrides.items() if value}
    return boto3.client(service, config=config, **kwargs)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "query answered"


def check_s3() -> str:
    """GET a probe key nobody writes in each bucket. The error code tells the cases apart (HEAD
    answers a bare 404 for a missing bucket and a missing key alike): NoSuchKey means bucket and
    credentials are fine; AccessDenied on a missing key is what S3 answers when the role may read
    objects but not list the bucket (PanelApp's documented policy), so it counts as reachable."""
    seen = []
    for alias in ("staticfiles", "default"):
        # django-stubs types a storage's entries as text or a dict; OPTIONS is the dict.
        options = cast("dict[str, Any]", settings.STORAGES[alias].get("OPTIONS", {}))
        client = _aws_client(
            "s3",
            region_name=options.get("region_name"),
            endpoint_url=options.get("endpoint_url"),
            aws_access_key_id=options.get("access_key"),
            aws_secret_access_key=options.get("secret_key"),
        )
        bucket = options["bucket_name"]
        key = "/".join(part for part in (options.get("location", ""), S3_PROBE_KEY) if part)
        try:
            client.get_object(Bucket=bucket, Key=key, Range="bytes=0-0")
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code not in ("NoSuchKey", "AccessDenied"):
                raise RuntimeError(f"bucket {bucket}: {code or error}") from None
        seen.append(bucket)
    return f"buckets reachable: {', '.join(seen)}"


def check_sqs() -> str:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    queues = options["predefined_queues"]
    name = next(iter(queues))
    client = _aws_client("sqs", region_name=options.get("region"))
    attributes = client.get_queue_attributes(QueueUrl=queues[name]["url"], AttributeNames=["VisibilityTimeout"])
    actual = int(attributes["Attributes"]["VisibilityTimeout"])
    expected = int(options["visibility_timeout"])
    if actual != expected:
        raise RuntimeError(
            f"queue {name} has VisibilityTimeout {actual}s but SQS_QUEUE_VISIBILITY_TIMEOUT is {expected}s: "
            "make them equal, or long tasks will run twice"
        )
    return f"queue {name} reachable, visibility timeout {actual}s"


def check_smtp() -> str:
    # Connect and greet only: logging in on every probe would put the credentials on the wire
    # far more often than sending mail does.
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=TIMEOUT_SECONDS) as smtp:
        smtp.ehlo()
        if settings.EMAIL_USE_TLS:
            smtp.starttls()
            smtp.ehlo()
        code, _message = smtp.noop()
        if code != 250:
            raise RuntimeError(f"NOOP answered {code}")
    return f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT} answered"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "s3": check_s3,
    "sqs": check_sqs,
    "smtp": check_smtp,
}


def run_checks(names: list[str] | None = None) -> HealthReport:
    report = HealthReport()
    for name in names if names is not None else settings.HEALTH_CHECKS:
        started = time.monotonic()
        try:
            detail = CHECKS[name]()
            report.checks[name] = CheckResult("OK", detail, time.monotonic() - started)
        except Exception as error:  # a health check reports failures, it never raises them
            message = f"{type(error).__name__}: {error}"[:300]
            report.checks[name] = CheckResult("DOWN", message, time.monotonic() - started)
            logger.warning("health check %s failed: %s", name, message)
    return report


# -- Genomics England's PanelApp's /health/1/ -------------------------------------------------------

OK, DEGRADED, DOWN, NOT_CONFIGURED = "OK", "DEGRADED", "DOWN", "NOT_CONFIGURED"
#: Without these the site cannot answer at all: one of them down is DOWN (503), any other DEGRADED.
CRITICAL = frozenset({"database"})
#: Seconds an answer to a request without the token is reused by the same process: anyone may ask,
#: and each report opens a connection to every dependency.
RECENT_SECONDS = 10.0
_recent: dict[tuple[str, ...], tuple[float, HealthReport]] = {}


def recent_checks(names: list[str]) -> HealthReport:
    key = tuple(names)
    now = time.monotonic()
    cached = _recent.get(key)
    if cached is not None and now - cached[0] < RECENT_SECONDS:
        return cached[1]
    report = run_checks(names)
    _recent[key] = (now, report)
    return report


def overall_status(report: HealthReport) -> str:
    down = {name for name, result in report.checks.items() if result.status != "OK"}
    if not report.checks:
        return NOT_CONFIGURED
    if down & CRITICAL:
        return DOWN
    return DEGRADED if down else OK


def request_url(request: HttpRequest) -> str:
    """The address asked for, as given (probes come with any Host), without the token."""
    host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
    query = request.GET.copy()
    query.pop("token", None)
    encoded = query.urlencode()
    return f"{request.scheme}://{host}{request.path}" + (f"?{encoded}" if encoded else "")


def service_report(report: HealthReport, request: HttpRequest, *, details: bool) -> dict[str, Any]:
    """``{serviceName, requestUrl, datetime, components, status[, unavailableComponents][, dependencies]}``."""
    from django.utils import timezone

    body: dict[str, Any] = {
        "serviceName": "panelapp",
        "requestUrl": request_url(request),
        "datetime": timezone.now().isoformat(),
        "components": list(report.checks),
        "status": overall_status(report),
    }
    down = [name for name, result in report.checks.items() if result.status != "OK"]
    if down:
        body["unavailableComponents"] = down
    if details:
        body["dependencies"] = [
            {"name": name, "status": r.status, "detail": r.detail, "seconds": round(r.seconds, 3)}
            for name, r in report.checks.items()
        ]
    return body
