"""Settings shared by every environment.

Nothing here depends on where PanelApp runs: the environment modules (docker-aws, local, test)
add the database, storage, broker, email and security settings, reading the environment through
runtime.environment. The domain apps may append to THIRD_PARTY_APPS, PROJECT_APPS and
REST_FRAMEWORK.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from runtime import contract as _contract
from runtime.scheduled import ScheduledSettings as _ScheduledSettings
from runtime.security import content_security_policy

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # app/

DEBUG = False

THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
]
# runtime first: its templates (base.html, the error pages) and static files are the site's own.
PROJECT_APPS = ["runtime", "accounts", "panels", "api", "releases", "moi_checks", "homepage"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    *THIRD_PARTY_APPS,
    *PROJECT_APPS,
]

MIDDLEWARE = [
    # First, so that it times and counts the queries of everything below: the Prometheus metrics
    # of each request (runtime.metrics.http); left out of the stack unless METRICS_PORT is set.
    "runtime.metrics.http.MetricsMiddleware",
    # Then: answers the probes (/version/, /health/) before host validation, sessions or auth,
    # so kubelet probes work whatever Host header they send and cost no database query.
    "runtime.probes.ProbeMiddleware",
    # Refuses NUL characters in the path or query, which no route can use, with a 400.
    "runtime.requests.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "runtime.security.ContentSecurityPolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Answers a locked-out login with 429 (runtime.throttling).
    "axes.middleware.AxesMiddleware",
    # Read-only mode (PANELAPP_READ_ONLY): writes answer 503 before any view runs.
    "runtime.maintenance.ReadOnlyMiddleware",
]

ROOT_URLCONF = "panelapp.urls"
WSGI_APPLICATION = "panelapp.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "runtime.context_processors.use_cognito",
                "runtime.maintenance.banner",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "_staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "_mediafiles"

LOGIN_REDIRECT_URL = "home"

# Failed logins: counted per account and per client address (runtime.throttling, django-axes).
AUTHENTICATION_BACKENDS = ["runtime.throttling.LoginThrottleBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "runtime.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "runtime.throttling.client_ip"
AXES_USERNAME_CALLABLE = "runtime.throttling.username"
# django-axes' own default, named here because runtime.throttling reads it.
AXES_USERNAME_FORM_FIELD = "username"
# Record failures only: every request's access is not worth a database row.
AXES_DISABLE_ACCESS_LOG = True
# Behind the ALB the client's address is the last X-Forwarded-For entry (docker-aws sets it).
PANELAPP_BEHIND_ALB = False
# API requests per client (runtime.throttling); None: unlimited. Generous: pipelines page through.
API_THROTTLE_ANON_RATE: str | None = "1200/minute"
API_THROTTLE_TOKEN_RATE: str | None = "6000/minute"
ACCOUNT_EMAIL_VERIFICATION_PERIOD_DAYS = 3

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pa-cache-1"}}

REST_FRAMEWORK = {
    "PAGE_SIZE": 100,
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "runtime.throttling.AnonymousApiThrottle",
        "runtime.throttling.TokenApiThrottle",
    ],
}

# Content-Security-Policy of every response (runtime.security); docker-aws adds the static domain.
CONTENT_SECURITY_POLICY = content_security_policy()

# drf-spectacular's system check reads these (the schema views use api.docs.SCHEMA_SETTINGS).
SPECTACULAR_SETTINGS = {"ENUM_NAME_OVERRIDES": {"DosageScoreEnum": "api.v1.serializers.DOSAGE_SCORES"}}

# CORS: any origin, GET only, and only on the public APIs (as PanelApp does).
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(WebServices|api/v1)/.*$"
CORS_ALLOW_METHODS = ["GET"]

# The mount point of the Django admin (DJANGO_ADMIN_URL); environment modules may override it.
ADMIN_URL = "admin/"

# Cognito login through the ALB: off unless an environment module turns it on.
AWS_USE_COGNITO = False
AWS_ELB_SESSION_COOKIE_PREFIX = "AWSELBAuthSessionCookie"
AWS_JWT_SECTIONS = 3
AWS_JWT_SIGNATURE_ALGORITHM = "ES256"
AWS_AMZN_OIDC_ACCESS_TOKEN = "HTTP_X_AMZN_OIDC_ACCESSTOKEN"
AWS_AMZN_OIDC_IDENTITY = "HTTP_X_AMZN_OIDC_IDENTITY"
AWS_AMZN_OIDC_DATA = "HTTP_X_AMZN_OIDC_DATA"
AWS_COGNITO_USER_POOL_CLIENT_ID: str | None = None
# What the ALB token must say about itself (runtime.cognito.tokens): none configured, none trusted.
AWS_ALB_ARNS: tuple[str, ...] = ()
AWS_COGNITO_ISSUER: str | None = None
# Where the ALB's signing keys and the Cognito logout are: docker-aws sets both when Cognito is on.
AWS_ELB_PUBLIC_KEY_ENDPOINT = ""
AWS_COGNITO_IDP_LOGOUT_ENDPOINT = ""
# With Cognito on, local password login is off; this lets superusers in at the admin login page.
AWS_COGNITO_BREAK_GLASS = False

# Celery. No result backend: PanelApp's tasks report through the database and email, and SQS has
# none. acks_late + reject_on_worker_lost: a task whose worker dies is redelivered by SQS after the
# visibility timeout, which is why every task must be idempotent (see runtime.tasks).
CELERY_TASK_DEFAULT_QUEUE = "panelapp"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# SQS has no fanout: no remote control, gossip or events, whose queues the app may not create.
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat keeps its schedule state in a file; the image's working directory may be read-only.
CELERY_BEAT_SCHEDULE_FILENAME = str(Path(tempfile.gettempdir()) / "panelapp-celerybeat-schedule")
# Periodic tasks; the domain apps add theirs (e.g. the weekly MOI check).
CELERY_BEAT_SCHEDULE: dict = {
    "forget-completed-tasks": {"task": "panelapp.tasks.forget_completed_tasks", "schedule": 24 * 60 * 60},
}
# PanelApp's optional periodic tasks (runtime.scheduled): the weekly MOI check, Sundays 06:30 by
# default; docker-aws and the embedded default read ACTIVE_SCHEDULED_TASKS, MOI_CHECK_* and OMIM_*.
_scheduled = _ScheduledSettings()
CELERY_BEAT_SCHEDULE.update(_scheduled.beat_schedule())
MOI_CHECK_DAY_OF_WEEK = _scheduled.moi_check_day_of_week
MOI_CHECK_HOUR = _scheduled.moi_check_hour
MOI_CHECK_MINUTE = _scheduled.moi_check_minute
OMIM_API_KEY: str | None = None
OMIM_API_URL = _scheduled.omim_api_url

# The Prometheus metrics' port (METRICS_PORT; runtime.metrics): docker-aws and the embedded default
# read it; None serves no metrics.
METRICS_PORT: int | None = None

# Checked by /health/ (see runtime.health); environment modules list what they configure.
HEALTH_CHECKS = ["database"]
HEALTH_CHECK_TOKEN: str | None = None

# Read-only mode and the banner of every page (runtime.maintenance); the environment modules
# read PANELAPP_READ_ONLY, PANELAPP_READ_ONLY_MESSAGE and PANELAPP_BANNER.
PANELAPP_READ_ONLY = False
PANELAPP_READ_ONLY_MESSAGE = _contract.variable("PANELAPP_READ_ONLY_MESSAGE").default
PANELAPP_BANNER: str | None = None

# Mirroring another PanelApp (the mirror app; docs/domain.md): the environment modules read
# MIRROR_SOURCE_URL, MIRROR_INTERVAL_MINUTES, MIRROR_TIMEOUT and MIRROR_RETRIES (mirror.config).
PROJECT_APPS += ["mirror"]
INSTALLED_APPS += ["mirror"]
MIRROR_TIMEOUT = 30
MIRROR_RETRIES = 3

# An installation that is a non-production copy (staging, tests) may be anonymised
# (panelapp-manage anonymise_users); docker-aws reads PANELAPP_NON_PRODUCTION, default off.
PANELAPP_NON_PRODUCTION = False

# The panel types /WebServices/list_panels/ lists without its Types parameter (as PanelApp's
# setting of the same name); read here as it is the same in every environment.
DEFAULT_PANEL_TYPES = [
    slug.strip()
    for slug in os.environ.get("DEFAULT_PANEL_TYPES", _contract.variable("DEFAULT_PANEL_TYPES").default or "").split(
        ","
    )
    if slug.strip()
]
