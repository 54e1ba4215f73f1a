"""Production on AWS: the one settings module of the image (DJANGO_SETTINGS_MODULE).

Every environment-specific value comes from the environment, as the contract in
runtime.contract describes (docs/configuration.md is its readable form). The whole environment
is validated FIRST: a missing or malformed variable stops the process with one error that names
every problem, before Django, Celery or gunicorn do anything.
"""

import os
from datetime import timedelta
from urllib.parse import urlsplit

import dj_database_url

from runtime.environment import load_production

# Validated first: a broken environment stops the process before anything below is imported.
_env = load_production(os.environ)

from mirror.config import read_settings as _read_mirror  # noqa: E402 - imported after the validation
from runtime.environment import EnvironmentReader  # noqa: E402 - imported after the validation
from runtime.logs import logging_config  # noqa: E402 - imported after the validation
from runtime.maintenance import read_settings as _read_maintenance  # noqa: E402 - imported after the validation
from runtime.scheduled import KNOWN_TASKS as _SCHEDULED_TASKS  # noqa: E402 - imported after the validation
from runtime.scheduled import read_settings as _read_scheduled  # noqa: E402 - imported after the validation
from runtime.security import content_security_policy  # noqa: E402 - imported after the validation
from runtime.sqs import transport_options  # noqa: E402 - imported after the validation

from .base import *  # noqa: E402, F403 - imported after the validation; extends the shared settings
from .base import CELERY_BEAT_SCHEDULE, MIDDLEWARE  # noqa: E402 - imported after the validation

# --- Site --------------------------------------------------------------------------------------
SECRET_KEY = _env.site.secret_key
ALLOWED_HOSTS = _env.site.allowed_hosts
PANEL_APP_BASE_URL = _env.site.base_url
ADMIN_URL = _env.site.admin_path
HEALTH_CHECK_TOKEN = _env.site.health_token
HEALTH_CHECKS = ["database", "s3", "sqs", "smtp"]
# The Prometheus metrics of web and worker (runtime.metrics); None: off.
METRICS_PORT = _env.metrics_port

# TLS ends at the load balancer, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_base = urlsplit(PANEL_APP_BASE_URL)
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _base.scheme == "https"

# --- Security headers (runtime.security; docs/security.md) ------------------------------------------
_security = _env.security
SECURE_HSTS_SECONDS = _security.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = _security.hsts_include_subdomains
SECURE_HSTS_PRELOAD = _security.hsts_preload
# Redirect only what the ALB says came over plain HTTP; see runtime.security.
PANELAPP_SSL_REDIRECT = _security.ssl_redirect
# --- Throttling (runtime.throttling) ----------------------------------------------------------
_throttling = _env.throttling
AXES_FAILURE_LIMIT = _throttling.login_failure_limit
AXES_COOLOFF_TIME = timedelta(minutes=_throttling.login_lockout_minutes)
API_THROTTLE_ANON_RATE = _throttling.api_anon_rate
API_THROTTLE_TOKEN_RATE = _throttling.api_token_rate
# Clients reach the pods through the ALB, which appends the client's address to X-Forwarded-For.
PANELAPP_BEHIND_ALB = True
SILENCED_SYSTEM_CHECKS = [
    # The subdomain and preload choices belong to the owner of the domain: set them when told to.
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    # Django's SECURE_SSL_REDIRECT would also redirect the kubelet's probes and in-cluster callers.
    *(["security.W008"] if PANELAPP_SSL_REDIRECT else []),
]

# --- Database ----------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        _env.database.url,
        engine="django.db.backends.postgresql",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
# No web request holds the database longer than this (runtime.database); workers are not limited.
DATABASE_STATEMENT_TIMEOUT = _env.database.statement_timeout
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware"), "runtime.database.StatementTimeoutMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware"),
    "runtime.security.ForwardedHttpsRedirectMiddleware",
)

# --- S3: two buckets, unsigned URLs on their own domains ------------------------------------------
_s3 = _env.s3
_s3_common = {
    "region_name": _s3.region,
    "endpoint_url": _s3.endpoint_url,
    # Unset keys mean the default AWS credential chain (the pod's IAM role).
    "access_key": _s3.access_key_id,
    "secret_key": _s3.secret_access_key,
    "querystring_auth": False,
    "default_acl": None,  # inherit the bucket's policy
    "url_protocol": _s3.url_protocol,
}
STORAGES = {
    "staticfiles": {
        "BACKEND": "storages.backends.s3.S3StaticStorage",
        "OPTIONS": {
            **_s3_common,
            "bucket_name": _s3.static_bucket,
            "location": _s3.static_location,
            "custom_domain": _s3.static_domain,
            "object_parameters": {"CacheControl": "max-age=86400"},
        },
    },
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_common,
            "bucket_name": _s3.media_bucket,
            "location": _s3.media_location,
            "custom_domain": _s3.media_domain,
            # Two uploads with the same name must not overwrite each other.
            "file_overwrite": False,
        },
    },
}


def _public_url(domain: str, location: str) -> str:
    return f"{_s3.url_protocol}//{domain}/{location}/" if location else f"{_s3.url_protocol}//{domain}/"


STATIC_URL = _public_url(_s3.static_domain, _s3.static_location)
MEDIA_URL = _public_url(_s3.media_domain, _s3.media_location)

# --- Celery on SQS -----------------------------------------------------------------------------
_queue = _env.queue
CELERY_BROKER_URL = _queue.broker_url
CELERY_TASK_DEFAULT_QUEUE = _queue.queue_name
CELERY_BROKER_TRANSPORT_OPTIONS = transport_options(
    queue_name=_queue.queue_name,
    region=_queue.region,
    visibility_timeout=_queue.visibility_timeout,
    polling_interval=_queue.polling_interval,
    queue_url=_queue.queue_url,
    broker_url=_queue.broker_url,
)

# --- Email -------------------------------------------------------------------------------------
_email = _env.email
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user or ""
EMAIL_HOST_PASSWORD = _email.password or ""
EMAIL_USE_TLS = _email.use_tls
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = _email.default_from
SERVER_EMAIL = _email.default_from
PANEL_APP_EMAIL = _email.panelapp_email

# --- Logging -----------------------------------------------------------------------------------
DJANGO_LOG_LEVEL = _env.site.log_level
LOGGING = logging_config(DJANGO_LOG_LEVEL)

# --- Cognito through the ALB (optional) --------------------------------------------------------
_cognito = _env.cognito
AWS_USE_COGNITO = _cognito is not None
if _cognito is not None:
    MIDDLEWARE = [*MIDDLEWARE, "runtime.cognito.middleware.AlbAuthMiddleware"]
    LOGOUT_REDIRECT_URL = "home"
    AWS_COGNITO_DOMAIN_PREFIX = _cognito.domain_prefix
    AWS_COGNITO_USER_POOL_CLIENT_ID = _cognito.client_id
    AWS_ALB_ARNS = _cognito.alb_arns
    AWS_COGNITO_ISSUER = _cognito.issuer
    AWS_COGNITO_BREAK_GLASS = _cognito.break_glass
    AWS_COGNITO_HOSTED_AUTH_BASE = _cognito.hosted_auth_base
    AWS_COGNITO_IDP_LOGOUT_ENDPOINT = _cognito.logout_endpoint
    AWS_ELB_SESSION_COOKIE_PREFIX = _cognito.session_cookie_prefix
    AWS_ELB_PUBLIC_KEY_ENDPOINT = _cognito.public_key_endpoint
    AWS_JWT_SECTIONS = _cognito.jwt_sections
    AWS_JWT_SIGNATURE_ALGORITHM = _cognito.jwt_algorithm
    AWS_AMZN_OIDC_ACCESS_TOKEN = _cognito.access_token_header
    AWS_AMZN_OIDC_IDENTITY = _cognito.identity_header
    AWS_AMZN_OIDC_DATA = _cognito.data_header

# --- Maintenance: read-only mode and the banner (runtime.maintenance) --------------------------
_maintenance = _read_maintenance(os.environ)
PANELAPP_READ_ONLY = _maintenance.read_only
PANELAPP_READ_ONLY_MESSAGE = _maintenance.read_only_message
PANELAPP_BANNER = _maintenance.banner

# --- Content-Security-Policy: scripts and styles from the site and its static domain ---------------
# The Cognito logout form leads to the hosted UI, so forms may go there too.
CONTENT_SECURITY_POLICY = content_security_policy(
    static_origins=(f"{_s3.url_protocol}//{_s3.static_domain}",),
    form_origins=(f"{urlsplit(_cognito.hosted_auth_base).scheme}://{urlsplit(_cognito.hosted_auth_base).netloc}",)
    if _cognito is not None
    else (),
)

# --- Mirroring another PanelApp (mirror.config): the request limits and the optional beat run ----
_mirror = _read_mirror(os.environ, "panelapp.settings.docker-aws")
MIRROR_TIMEOUT = _mirror.timeout
MIRROR_RETRIES = _mirror.retries
CELERY_BEAT_SCHEDULE = {**CELERY_BEAT_SCHEDULE, **_mirror.beat_schedule()}

# --- A non-production copy (anonymise_users may run; docs/domain.md) ----------------------------
_operations = EnvironmentReader(os.environ, production=True)
PANELAPP_NON_PRODUCTION = _operations.boolean("PANELAPP_NON_PRODUCTION")
_operations.raise_if_problems("panelapp.settings.docker-aws")

# --- Scheduled tasks: the MOI check and OMIM (runtime.scheduled) ---------------------------------
_scheduled = _read_scheduled(os.environ)
CELERY_BEAT_SCHEDULE = {
    **{k: v for k, v in CELERY_BEAT_SCHEDULE.items() if k not in _SCHEDULED_TASKS},
    **_scheduled.beat_schedule(),
}
MOI_CHECK_DAY_OF_WEEK = _scheduled.moi_check_day_of_week
MOI_CHECK_HOUR = _scheduled.moi_check_hour
MOI_CHECK_MINUTE = _scheduled.moi_check_minute
OMIM_API_KEY = _scheduled.omim_api_key
OMIM_API_URL = _scheduled.omim_api_url
