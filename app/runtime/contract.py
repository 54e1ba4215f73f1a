"""The PanelApp image's runtime contract, as data: every environment variable it reads and every
command it runs.

This module is the single source of truth for three readers:

* the settings (``runtime.environment`` reads and validates variables by the rules below),
* the operator, which imports it to check that every variable it renders is one the app reads
  and that the commands it puts in pods and Jobs exist,
* docs/configuration.md, which a test keeps in step with it.

It must stay importable without Django, Celery or anything outside the standard library: the
operator's image does not install the app's dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: The settings module the production image sets in DJANGO_SETTINGS_MODULE.
PRODUCTION_SETTINGS_MODULE = "panelapp.settings.docker-aws"
#: What the console commands use when DJANGO_SETTINGS_MODULE is unset: the embedded default.
DEFAULT_SETTINGS_MODULE = "panelapp.settings.local"

#: The port gunicorn binds unless GUNICORN_BIND says otherwise.
WEB_PORT = 8080
#: Cheap probe endpoint: no database query, answers whatever the Host header is.
VERSION_PATH = "/version/"
#: Dependency health (database, S3, SQS, SMTP); details only with HEALTH_CHECK_TOKEN.
HEALTH_PATH = "/health/"
#: Genomics England's PanelApp's health report (serviceName, components, status OK/DEGRADED/DOWN/NOT_CONFIGURED).
HEALTH_V1_PATH = "/health/1/"
#: Genomics England's PanelApp's liveness answer: {"ping": "pong"}, nothing checked.
PING_PATH = "/ping/1/"

#: Every GUNICORN_<SETTING> variable overrides that gunicorn setting (e.g. GUNICORN_WORKERS).
GUNICORN_PREFIX = "GUNICORN_"
#: Read by gunicorn itself (extra command-line arguments), not a setting override.
GUNICORN_CMD_ARGS = "GUNICORN_CMD_ARGS"

Need = Literal[
    "required",  # docker-aws refuses to start without it
    "required-without-DATABASE_URL",  # required unless DATABASE_URL is set
    "required-with-cognito",  # required when AWS_USE_COGNITO is true
    "optional",
]
Kind = Literal["text", "boolean", "integer", "port", "hosts", "domain", "url", "email", "log-level", "path"]


@dataclass(frozen=True)
class Variable:
    """One environment variable of the contract."""

    name: str
    description: str
    group: str
    need: Need = "optional"
    secret: bool = False
    #: The value used when the variable is unset (as text, the way it would be written in the
    #: environment); None means "no value" (the feature is off or the variable is required).
    default: str | None = None
    kind: Kind = "text"
    #: Used only by panelapp.settings.local in place of a production-required value.
    local_default: str | None = None

    @property
    def required(self) -> bool:
        return self.need == "required"


@dataclass(frozen=True)
class Command:
    """A console command installed in the image, as the operator renders it."""

    name: str
    role: Literal["web", "worker", "beat", "job", "tool"]
    description: str
    #: Whether the operator may append arguments (e.g. ``--concurrency=4`` to the worker).
    accepts_arguments: bool = False


_G_DJANGO = "Django"
_G_DATABASE = "Database"
_G_EMAIL = "Email"
_G_S3 = "S3 storage"
_G_SQS = "Celery on SQS"
_G_COGNITO = "Cognito login through the ALB"
_G_LOGGING = "Logging"
_G_GUNICORN = "Gunicorn (web)"
_G_THROTTLING = "Throttling"
_G_OPERATIONS = "Operations"
_G_METRICS = "Metrics"
_G_MIRROR = "Mirroring another PanelApp"
_G_SCHEDULED = "Scheduled tasks"
_G_LOCAL = "Embedded default (panelapp.settings.local only)"

VARIABLES: tuple[Variable, ...] = (
    # --- Django -------------------------------------------------------------------------------
    Variable(
        "DJANGO_SETTINGS_MODULE",
        "Settings module; the image sets panelapp.settings.docker-aws.",
        _G_DJANGO,
        default=DEFAULT_SETTINGS_MODULE,
    ),
    # The embedded default has no published fallback: anyone could sign sessions and email links
    # with it. panelapp.settings.local generates a random key once and keeps it in its folder.
    Variable("SECRET_KEY", "Secret for signing cookies and tokens.", _G_DJANGO, need="required", secret=True),
    Variable(
        "ALLOWED_HOSTS",
        "Host names the site answers to, separated by ';' (e.g. panelapp.example.org;www.example.org).",
        _G_DJANGO,
        need="required",
        kind="hosts",
        local_default="localhost;127.0.0.1;[::1]",
    ),
    Variable(
        "PANEL_APP_BASE_URL",
        "Public URL of the web application (links in emails, Cognito logout).",
        _G_DJANGO,
        need="required",
        kind="url",
        local_default="http://localhost:8080",
    ),
    Variable(
        "DJANGO_ADMIN_URL",
        "Mount point of the Django admin (obscurity against scanners).",
        _G_DJANGO,
        secret=True,
        default="admin/",
        kind="path",
    ),
    Variable(
        "SECURE_HSTS_SECONDS",
        "Strict-Transport-Security max-age sent on https responses; 0 turns HSTS off. "
        "Browsers then refuse plain HTTP to the site for that long.",
        _G_DJANGO,
        default="31536000",
        kind="integer",
    ),
    Variable(
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "HSTS for every subdomain too (only if they all serve https).",
        _G_DJANGO,
        default="False",
        kind="boolean",
    ),
    Variable(
        "SECURE_HSTS_PRELOAD",
        "Ask to be preloaded in browsers' HSTS lists (needs INCLUDE_SUBDOMAINS and a "
        "max-age of a year or more; hard to undo).",
        _G_DJANGO,
        default="False",
        kind="boolean",
    ),
    Variable(
        "SECURE_SSL_REDIRECT",
        "Redirect requests that reached the load balancer over plain HTTP "
        "(X-Forwarded-Proto: http) to https; requests without the header (probes, in-cluster callers) are "
        "served as they come.",
        _G_DJANGO,
        default="True",
        kind="boolean",
    ),
    # --- Database -----------------------------------------------------------------------------
    Variable(
        "DATABASE_URL",
        "postgresql://user:password@host:port/name; alternative to the DATABASE_* parts.",
        _G_DATABASE,
        secret=True,
        kind="url",
    ),
    Variable("DATABASE_HOST", "PostgreSQL host name.", _G_DATABASE, need="required-without-DATABASE_URL", secret=True),
    Variable("DATABASE_PORT", "PostgreSQL port.", _G_DATABASE, secret=True, default="5432", kind="port"),
    Variable("DATABASE_NAME", "Database name.", _G_DATABASE, secret=True, default="panelapp"),
    Variable("DATABASE_USER", "PostgreSQL user name.", _G_DATABASE, need="required-without-DATABASE_URL", secret=True),
    Variable(
        "DATABASE_PASSWORD",
        "PostgreSQL password (any characters; it is URL-quoted).",
        _G_DATABASE,
        need="required-without-DATABASE_URL",
        secret=True,
    ),
    Variable(
        "DATABASE_STATEMENT_TIMEOUT",
        "Seconds one SQL statement of a web request may run before PostgreSQL "
        "cancels it and the request answers 503 (0: no limit). Keep it below GUNICORN_TIMEOUT; workers and "
        "Jobs (migrations, imports) are not limited.",
        _G_DATABASE,
        default="30",
        kind="integer",
    ),
    # --- Email --------------------------------------------------------------------------------
    Variable("EMAIL_HOST", "SMTP server host name.", _G_EMAIL, need="required", local_default="localhost"),
    Variable("EMAIL_PORT", "SMTP server port.", _G_EMAIL, need="required", kind="port", local_default="25"),
    Variable("EMAIL_HOST_USER", "SMTP user name (no SMTP authentication when unset).", _G_EMAIL, secret=True),
    Variable("EMAIL_HOST_PASSWORD", "SMTP password (no SMTP authentication when unset).", _G_EMAIL, secret=True),
    Variable("EMAIL_USE_TLS", "Use STARTTLS; 'False' really turns it off.", _G_EMAIL, default="True", kind="boolean"),
    Variable(
        "DEFAULT_FROM_EMAIL",
        "Sender of the emails PanelApp sends.",
        _G_EMAIL,
        need="required",
        kind="email",
        local_default="PanelApp <panelapp@panelapp.local>",
    ),
    Variable(
        "PANEL_APP_EMAIL",
        "The curators' mailbox (reviewer requests, reports).",
        _G_EMAIL,
        need="required",
        kind="email",
        local_default="panelapp@panelapp.local",
    ),
    # --- S3 -----------------------------------------------------------------------------------
    Variable("AWS_REGION", "AWS region of the buckets and the queue.", _G_S3, need="required"),
    Variable(
        "AWS_S3_STATICFILES_BUCKET_NAME",
        "Bucket of the static files (written by collectstatic).",
        _G_S3,
        need="required",
    ),
    Variable(
        "AWS_S3_STATICFILES_CUSTOM_DOMAIN",
        "CDN domain serving the static bucket (no scheme, no trailing /).",
        _G_S3,
        need="required",
        kind="domain",
    ),
    Variable("AWS_STATICFILES_LOCATION", "Key prefix of static files in their bucket.", _G_S3, default="static"),
    Variable("AWS_S3_MEDIAFILES_BUCKET_NAME", "Bucket of the uploaded (media) files.", _G_S3, need="required"),
    Variable(
        "AWS_S3_MEDIAFILES_CUSTOM_DOMAIN",
        "Domain serving the media bucket (no scheme, no trailing /).",
        _G_S3,
        need="required",
        kind="domain",
    ),
    Variable("AWS_MEDIAFILES_LOCATION", "Key prefix of media files in their bucket.", _G_S3, default="media"),
    Variable("AWS_S3_ENDPOINT_URL", "S3 endpoint override for S3-compatible stores and tests.", _G_S3, kind="url"),
    Variable(
        "AWS_S3_URL_PROTOCOL",
        "Scheme of the static and media URLs on their domains: https: (a CDN), or "
        "http: for a local S3-compatible store without TLS (the local demo).",
        _G_S3,
        default="https:",
    ),
    Variable(
        "AWS_ACCESS_KEY_ID", "Only when not using an IAM role (the default AWS credential chain).", _G_S3, secret=True
    ),
    Variable(
        "AWS_SECRET_ACCESS_KEY",
        "Only when not using an IAM role (the default AWS credential chain).",
        _G_S3,
        secret=True,
    ),
    # --- SQS ----------------------------------------------------------------------------------
    Variable(
        "CELERY_BROKER_URL",
        "Broker URL; only needed without an IAM role: sqs://{key}:{secret}@.",
        _G_SQS,
        secret=True,
        default="sqs://",
        kind="url",
    ),
    Variable(
        "TASK_QUEUE_NAME", "Name of the existing SQS queue; the app never creates queues.", _G_SQS, default="panelapp"
    ),
    Variable(
        "SQS_QUEUE_VISIBILITY_TIMEOUT",
        "Seconds; must equal the queue's Visibility Timeout.",
        _G_SQS,
        default="360",
        kind="integer",
    ),
    Variable("SQS_QUEUE_URL", "URL of the queue; looked up once with GetQueueUrl when unset.", _G_SQS, kind="url"),
    Variable(
        "BROKER_POLLING_INTERVAL",
        "Seconds between SQS polls when the queue is empty.",
        _G_SQS,
        default="1",
        kind="integer",
    ),
    # --- Cognito ------------------------------------------------------------------------------
    Variable(
        "AWS_USE_COGNITO", "Log users in from the ALB's Cognito headers.", _G_COGNITO, default="False", kind="boolean"
    ),
    Variable(
        "AWS_COGNITO_DOMAIN_PREFIX",
        "Cognito hosted UI domain prefix (e.g. panelapp-prod).",
        _G_COGNITO,
        need="required-with-cognito",
    ),
    Variable(
        "AWS_COGNITO_USER_POOL_CLIENT_ID", "Cognito user pool app client id.", _G_COGNITO, need="required-with-cognito"
    ),
    Variable(
        "AWS_COGNITO_USER_POOL_ID",
        "Cognito user pool id (e.g. eu-west-2_AbC123); the ALB token's iss must "
        "be https://cognito-idp.<region>.amazonaws.com/<this id>.",
        _G_COGNITO,
        need="required-with-cognito",
    ),
    Variable(
        "AWS_ALB_ARNS",
        "ARNs of the load balancers whose tokens are trusted (the token's signer), separated "
        "by ';'. One ending in * is a prefix, e.g. arn:aws:elasticloadbalancing:eu-west-2:123456789012:"
        "loadbalancer/app/* for every ALB of that account and region.",
        _G_COGNITO,
        need="required-with-cognito",
    ),
    Variable(
        "AWS_COGNITO_BREAK_GLASS",
        "Break-glass: let superusers log in with a local password at the admin "
        "login page while Cognito is on (local login is otherwise off). Turn on only while Cognito is "
        "unavailable.",
        _G_COGNITO,
        default="False",
        kind="boolean",
    ),
    Variable(
        "AWS_COGNITO_HOSTED_AUTH_BASE",
        "Hosted UI base URL.",
        _G_COGNITO,
        default="https://{AWS_COGNITO_DOMAIN_PREFIX}.auth.{AWS_REGION}.amazoncognito.com/",
        kind="url",
    ),
    Variable(
        "AWS_COGNITO_IDP_LOGOUT_ENDPOINT",
        "Where logout sends the browser.",
        _G_COGNITO,
        default=(
            "{AWS_COGNITO_HOSTED_AUTH_BASE}logout?&client_id={AWS_COGNITO_USER_POOL_CLIENT_ID}"
            "&logout_uri={PANEL_APP_BASE_URL}/accounts/logout/&redirect_uri={PANEL_APP_BASE_URL}"
            "&response_type=code"
        ),
        kind="url",
    ),
    Variable(
        "AWS_ELB_SESSION_COOKIE_PREFIX",
        "Prefix of the ALB's session cookies (expired at logout).",
        _G_COGNITO,
        default="AWSELBAuthSessionCookie",
    ),
    Variable(
        "AWS_ELB_PUBLIC_KEY_ENDPOINT",
        "Where the ALB's signing keys are fetched (<endpoint><kid>).",
        _G_COGNITO,
        default="https://public-keys.auth.elb.{AWS_REGION}.amazonaws.com/",
        kind="url",
    ),
    Variable(
        "AWS_JWT_SECTIONS",
        "Number of dot-separated sections of the ALB token.",
        _G_COGNITO,
        default="3",
        kind="integer",
    ),
    Variable("AWS_JWT_SIGNATURE_ALGORITHM", "Signature algorithm of the ALB token.", _G_COGNITO, default="ES256"),
    Variable(
        "AWS_AMZN_OIDC_ACCESS_TOKEN",
        "request.META key of the access token header.",
        _G_COGNITO,
        default="HTTP_X_AMZN_OIDC_ACCESSTOKEN",
    ),
    Variable(
        "AWS_AMZN_OIDC_IDENTITY",
        "request.META key of the identity header.",
        _G_COGNITO,
        default="HTTP_X_AMZN_OIDC_IDENTITY",
    ),
    Variable(
        "AWS_AMZN_OIDC_DATA",
        "request.META key of the signed claims header.",
        _G_COGNITO,
        default="HTTP_X_AMZN_OIDC_DATA",
    ),
    # --- Logging ------------------------------------------------------------------------------
    Variable(
        "DJANGO_LOG_LEVEL",
        "Level of Django, Celery and Gunicorn logs (JSON lines on stdout).",
        _G_LOGGING,
        default="INFO",
        kind="log-level",
    ),
    # --- Gunicorn (each GUNICORN_<SETTING> overrides that setting; these have image defaults) --
    Variable("GUNICORN_WORKERS", "Gunicorn worker processes.", _G_GUNICORN, default="8", kind="integer"),
    Variable(
        "GUNICORN_TIMEOUT", "Seconds before a silent worker is restarted.", _G_GUNICORN, default="300", kind="integer"
    ),
    Variable("GUNICORN_BIND", "Listen address.", _G_GUNICORN, default=f"0.0.0.0:{WEB_PORT}"),
    Variable("GUNICORN_BACKLOG", "Pending connections queue length.", _G_GUNICORN, default="4096", kind="integer"),
    Variable(
        "GUNICORN_PRELOAD_APP",
        "Load and warm the application in the master before the socket opens, so every "
        "worker (new or recycled) starts warm; false: each worker loads and warms itself.",
        _G_GUNICORN,
        default="true",
        kind="boolean",
    ),
    Variable(
        "GUNICORN_WORKER_CLASS",
        "Gunicorn worker type; threaded by default (measured fastest for PanelApp's reads).",
        _G_GUNICORN,
        default="gthread",
    ),
    Variable(
        "GUNICORN_THREADS",
        "Threads per worker (gthread); each keeps its own database connection.",
        _G_GUNICORN,
        default="2",
        kind="integer",
    ),
    Variable(
        "GUNICORN_MAX_REQUESTS",
        "Requests after which a worker is replaced (bounds its memory); 0: never.",
        _G_GUNICORN,
        default="2000",
        kind="integer",
    ),
    Variable(
        "GUNICORN_MAX_REQUESTS_JITTER",
        "Random extra requests per worker, so workers are not all replaced at once.",
        _G_GUNICORN,
        default="200",
        kind="integer",
    ),
    Variable(
        "WEB_WORKER_MAX_MEMORY_MB",
        "MiB of private memory (what only that worker holds) past which a web worker finishes its "
        "requests and is replaced; checked every 32 requests. 0: no limit.",
        _G_GUNICORN,
        default="512",
        kind="integer",
    ),
    Variable("GUNICORN_CMD_ARGS", "Extra gunicorn command-line arguments (read by gunicorn itself).", _G_GUNICORN),
    Variable(
        "GUNICORN_LOG_LEVEL",
        "Gunicorn's own log level (debug, info, warning, error, critical), as Genomics England's web image "
        "sets it; the same as GUNICORN_LOGLEVEL. Unset: DJANGO_LOG_LEVEL.",
        _G_GUNICORN,
        kind="log-level",
    ),
    # --- Throttling (runtime.throttling) -------------------------------------------------------
    Variable(
        "LOGIN_FAILURE_LIMIT",
        "Failed logins after which an account, or a client address, is locked out (429) for LOGIN_LOCKOUT_MINUTES.",
        _G_THROTTLING,
        default="10",
        kind="integer",
    ),
    Variable(
        "LOGIN_LOCKOUT_MINUTES",
        "How long a lockout lasts, from the last failed attempt.",
        _G_THROTTLING,
        default="15",
        kind="integer",
    ),
    Variable(
        "API_THROTTLE_ANON_RATE",
        "API and WebServices requests per anonymous client address, as N/second, "
        "N/minute, N/hour or N/day, or off; over it, 429 with Retry-After. Counted per web process.",
        _G_THROTTLING,
        default="1200/minute",
    ),
    Variable(
        "API_THROTTLE_TOKEN_RATE",
        "The same for requests with a token or a session, per user.",
        _G_THROTTLING,
        default="6000/minute",
    ),
    # --- Operations ---------------------------------------------------------------------------
    Variable(
        "HEALTH_CHECK_TOKEN", "Token that unlocks the per-dependency details of /health/.", _G_OPERATIONS, secret=True
    ),
    Variable(
        "PANELAPP_READ_ONLY",
        "Read-only mode: requests that could write answer 503 with "
        "PANELAPP_READ_ONLY_MESSAGE, reads keep working (the operator's maintenance).",
        _G_OPERATIONS,
        default="False",
        kind="boolean",
    ),
    Variable(
        "PANELAPP_READ_ONLY_MESSAGE",
        "Shown on every page and in the 503 answers while read-only.",
        _G_OPERATIONS,
        default="PanelApp is read-only during maintenance; changes are not possible for a while.",
    ),
    Variable("PANELAPP_BANNER", "A notice shown on every page, as in Genomics England's PanelApp.", _G_OPERATIONS),
    Variable(
        "PANELAPP_NON_PRODUCTION",
        "Marks the installation as a non-production copy (staging, tests), where panelapp-manage "
        "anonymise_users may replace every user's personal data. Never set it on production.",
        _G_OPERATIONS,
        default="False",
        kind="boolean",
    ),
    Variable(
        "DEFAULT_PANEL_TYPES",
        "Comma-separated panel type slugs that the legacy /WebServices/list_panels/ lists when its "
        "Types parameter is not given, as in Genomics England's PanelApp.",
        _G_OPERATIONS,
        default="rare-disease-100k",
    ),
    # --- Scheduled tasks (runtime.scheduled: Celery beat) -------------------------------------------
    Variable(
        "ACTIVE_SCHEDULED_TASKS",
        "PanelApp's optional periodic tasks that beat runs, separated by ',' (as Genomics England's "
        "PanelApp): moi-check, the weekly MOI consistency check; empty: none.",
        _G_SCHEDULED,
        default="moi-check",
    ),
    Variable(
        "MOI_CHECK_DAY_OF_WEEK",
        "Day(s) of the MOI check, in crontab's day_of_week syntax (sun, mon-fri, 0-6).",
        _G_SCHEDULED,
        default="sun",
    ),
    Variable("MOI_CHECK_HOUR", "Hour of the MOI check (0-23, UTC).", _G_SCHEDULED, default="6", kind="integer"),
    Variable("MOI_CHECK_MINUTE", "Minute of the MOI check (0-59).", _G_SCHEDULED, default="30", kind="integer"),
    Variable(
        "OMIM_API_KEY",
        "OMIM API key: with it the MOI check also compares each gene's MOI with OMIM's; unset: no OMIM check.",
        _G_SCHEDULED,
        secret=True,
    ),
    Variable(
        "OMIM_API_URL",
        "OMIM's entry endpoint the MOI check asks (with OMIM_API_KEY).",
        _G_SCHEDULED,
        default="https://api.omim.org/api/entry",
        kind="url",
    ),
    # --- Metrics (runtime.metrics) --------------------------------------------------------------
    Variable(
        "METRICS_PORT",
        "Port of the Prometheus metrics (GET /metrics) of panelapp-web and panelapp-worker, one "
        "server per pod (gunicorn's master, the Celery worker's main process) adding up all its "
        "processes; unset: no metrics server.",
        _G_METRICS,
        kind="port",
    ),
    Variable(
        "PROMETHEUS_MULTIPROC_DIR",
        "Folder of the metrics' per-process files (prometheus_client's multiprocess mode), emptied "
        "when web or worker starts; unset: a fresh folder under the temp dir (/tmp). Only with "
        "METRICS_PORT.",
        _G_METRICS,
    ),
    # --- Mirroring another PanelApp (mirror; docs/domain.md) ------------------------------------
    Variable(
        "MIRROR_SOURCE_URL",
        "Base URL of a PanelApp whose public panels beat mirrors every MIRROR_INTERVAL_MINUTES "
        "(panelapp-manage mirror --from URL, incremental); unset: no scheduled mirroring.",
        _G_MIRROR,
        kind="url",
    ),
    Variable(
        "MIRROR_INTERVAL_MINUTES",
        "Minutes between scheduled mirror runs (only with MIRROR_SOURCE_URL).",
        _G_MIRROR,
        default="60",
        kind="integer",
    ),
    Variable(
        "MIRROR_TIMEOUT",
        "Seconds the mirror waits to connect to the source, and for each read of an answer.",
        _G_MIRROR,
        default="30",
        kind="integer",
    ),
    Variable(
        "MIRROR_RETRIES",
        "Retries of each mirror request after a connection error, a timeout or a 429/5xx answer (0-10).",
        _G_MIRROR,
        default="3",
        kind="integer",
    ),
    # --- Embedded default ---------------------------------------------------------------------
    Variable(
        "DJANGO_DEBUG",
        "Django debug pages (panelapp.settings.local only; never in production).",
        _G_LOCAL,
        default="False",
        kind="boolean",
    ),
    Variable(
        "PANELAPP_LOCAL_DIR",
        "Where the embedded default keeps its SQLite database, files and outbox (default: app/_local).",
        _G_LOCAL,
    ),
)

#: Read by the AWS SDK (botocore) on the app's behalf; the operator may render them (IRSA, tests).
SDK_VARIABLES: tuple[Variable, ...] = (
    Variable("AWS_DEFAULT_REGION", "Region of the AWS SDK when a client is not given one.", "AWS SDK"),
    Variable("AWS_ENDPOINT_URL", "Endpoint override for every AWS service (tests, emulators).", "AWS SDK", kind="url"),
    Variable("AWS_ENDPOINT_URL_SQS", "Endpoint override for SQS only.", "AWS SDK", kind="url"),
    Variable("AWS_ENDPOINT_URL_S3", "Endpoint override for S3 only.", "AWS SDK", kind="url"),
    Variable("AWS_SESSION_TOKEN", "Temporary credentials' session token.", "AWS SDK", secret=True),
    Variable("AWS_ROLE_ARN", "IAM role assumed with a web identity (EKS IRSA injects it).", "AWS SDK"),
    Variable("AWS_WEB_IDENTITY_TOKEN_FILE", "Web identity token file (EKS IRSA injects it).", "AWS SDK"),
    Variable("AWS_STS_REGIONAL_ENDPOINTS", "STS endpoint choice (EKS IRSA injects it).", "AWS SDK"),
    Variable("AWS_CONTAINER_CREDENTIALS_FULL_URI", "Pod Identity credentials endpoint (EKS injects it).", "AWS SDK"),
    Variable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "Pod Identity token file (EKS injects it).", "AWS SDK"),
)

COMMANDS: tuple[Command, ...] = (
    Command(
        "panelapp-web",
        "web",
        "Gunicorn serving panelapp.wsgi on GUNICORN_BIND (0.0.0.0:8080); "
        "GUNICORN_<SETTING> overrides any gunicorn setting.",
        accepts_arguments=True,
    ),
    Command(
        "panelapp-worker",
        "worker",
        "Celery worker consuming TASK_QUEUE_NAME; pass e.g. --concurrency=2.",
        accepts_arguments=True,
    ),
    Command("panelapp-beat", "beat", "Celery beat: sends the periodic tasks. Run exactly one."),
    Command("panelapp-migrate", "job", "Applies database migrations (migrate --noinput)."),
    Command(
        "panelapp-collectstatic",
        "job",
        "Uploads static files to the static bucket (never --clear: pods of "
        "the previous version still reference the old files).",
    ),
    Command(
        "panelapp-check",
        "job",
        "Validates the environment contract and Django's system checks; exits 2 naming every problem.",
    ),
    Command(
        "panelapp-manage",
        "tool",
        "manage.py passthrough (e.g. panelapp-manage createsuperuser).",
        accepts_arguments=True,
    ),
    Command(
        "panelapp-backup",
        "job",
        "pg_dump (custom format) of the database to S3 (--bucket, --prefix, --label, "
        "--keep); the result in the termination message.",
        accepts_arguments=True,
    ),
    Command(
        "panelapp-restore",
        "job",
        "pg_restore of a panelapp-backup dump (--object s3://bucket/key) in one "
        "transaction, replacing the database's contents.",
        accepts_arguments=True,
    ),
)

_BY_NAME = {variable.name: variable for variable in VARIABLES + SDK_VARIABLES}


def variable(name: str) -> Variable:
    """The contract entry for ``name`` (KeyError if the app does not read it)."""
    return _BY_NAME[name]


def reads(name: str) -> bool:
    """Whether the image reads the environment variable ``name`` (itself or through the AWS SDK).

    Every ``GUNICORN_<SETTING>`` counts: the web command validates the setting name at start-up.
    """
    return name in _BY_NAME or (name.startswith(GUNICORN_PREFIX) and len(name) > len(GUNICORN_PREFIX))


def secret_names() -> frozenset[str]:
    """Variables whose values must live in a Secret and never be logged."""
    return frozenset(v.name for v in VARIABLES + SDK_VARIABLES if v.secret)


def command(name: str) -> Command:
    for entry in COMMANDS:
        if entry.name == name:
            return entry
    raise KeyError(name)
