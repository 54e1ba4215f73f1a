"""Read and validate the environment contract (runtime.contract) into typed values.

The settings modules never call ``os.environ`` directly: they ask an :class:`EnvironmentReader`,
which applies the contract's defaults and types and COLLECTS problems instead of raising at the
first one, so that a misconfigured deployment is told everything that is wrong in one message.

Standard library only, like the contract: ``panelapp-check`` and the tests use it without Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from runtime import contract

_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "off", "f", "n", ""})
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_DOMAIN = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$")
_EMAIL = re.compile(r"^(?:[^<>]*<)?[^@\s<>]+@[^@\s<>]+(?:>)?$")


class ConfigurationError(Exception):
    """The environment breaks the contract. ``problems`` names each variable and what is wrong.

    Messages never contain the value of a secret variable.
    """

    def __init__(self, problems: list[str], settings_module: str = contract.PRODUCTION_SETTINGS_MODULE) -> None:
        self.problems = list(problems)
        self.settings_module = settings_module
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(
            f"PanelApp cannot start with {settings_module}: {len(self.problems)} environment "
            f"problem(s):\n{lines}\nSee docs/configuration.md for every variable."
        )


def parse_bool(text: str) -> bool:
    """PanelApp-compatible booleans, done properly: 'False', 'false', '0', 'no' are all false."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("must be a boolean (true or false)")


def parse_hosts(text: str) -> list[str]:
    """ALLOWED_HOSTS the way PanelApp splits it: ';'-separated, blanks ignored."""
    hosts = [host.strip() for host in text.split(";") if host.strip()]
    if not hosts:
        raise ValueError("must list at least one host name, separated by ';'")
    bad = [host for host in hosts if "," in host or " " in host or "/" in host]
    if bad:
        raise ValueError(f"host names are separated by ';' (not ','), and hold no spaces or '/': {bad}")
    return hosts


def normalise_admin_path(text: str) -> str:
    """'/secret-admin' or 'secret-admin' -> 'secret-admin/' (a Django URL prefix)."""
    path = text.strip().strip("/")
    if not path or not re.fullmatch(r"[A-Za-z0-9._~/-]+", path):
        raise ValueError("must be a URL path such as 'admin/' (letters, digits, '-', '_', '.', '/')")
    return path + "/"


class EnvironmentReader:
    """Typed access to the environment with the contract's defaults; problems are collected."""

    def __init__(self, environ: Mapping[str, str], *, production: bool) -> None:
        self.environ = environ
        self.production = production
        self.problems: list[str] = []

    # -- raw access --------------------------------------------------------------------------

    def raw(self, name: str, *, required: bool | None = None) -> str | None:
        """The variable's text, its default, or None. Blank counts as unset."""
        entry = contract.variable(name)
        value = self.environ.get(name)
        if value is not None and value.strip() != "":
            return value.strip()
        if entry.required and not self.production:
            return entry.local_default
        must = entry.required if required is None else required
        if must:
            self.problems.append(f"{name} is missing: {entry.description}")
            return None
        return entry.default

    def is_set(self, name: str) -> bool:
        return bool(self.environ.get(name, "").strip())

    def invalid(self, name: str, reason: str, value: str) -> None:
        """Record a malformed value; the value is quoted only when the variable is not a secret."""
        shown = "" if contract.variable(name).secret else f", got {value!r}"
        self.problems.append(f"{name} {reason}{shown}")

    # -- typed access ------------------------------------------------------------------------

    def text(self, name: str, *, required: bool | None = None) -> str | None:
        return self.raw(name, required=required)

    def boolean(self, name: str) -> bool:
        value = self.raw(name)
        if value is None:
            return False
        try:
            return parse_bool(value)
        except ValueError as error:
            self.invalid(name, str(error), value)
            return False

    def integer(self, name: str, *, minimum: int = 0, maximum: int | None = None) -> int | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            self.invalid(name, "must be a whole number", value)
            return None
        if number < minimum or (maximum is not None and number > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f"{minimum} or more"
            self.invalid(name, f"must be {bounds}", value)
            return None
        return number

    def port(self, name: str, *, required: bool | None = None) -> int | None:
        if self.raw(name, required=required) is None:
            return None
        return self.integer(name, minimum=1, maximum=65535)

    def hosts(self, name: str) -> list[str]:
        value = self.raw(name)
        if value is None:
            return []
        try:
            return parse_hosts(value)
        except ValueError as error:
            self.invalid(name, str(error), value)
            return []

    def domain(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if not _DOMAIN.match(value):
            self.invalid(
                name, "must be a bare domain such as cdn.example.org (no scheme, no path, no trailing /)", value
            )
            return None
        return value

    def url(
        self, name: str, *, schemes: tuple[str, ...] = ("http", "https"), required: bool | None = None
    ) -> str | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in schemes or (not parts.netloc and parts.scheme in ("http", "https")):
            self.invalid(name, f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}", value)
            return None
        return value

    def email(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if not _EMAIL.match(value):
            self.invalid(name, "must be an email address (optionally 'Name <address>')", value)
            return None
        return value

    def log_level(self, name: str) -> str:
        value = (self.raw(name) or "INFO").upper()
        if value == "WARN":
            value = "WARNING"
        if value not in _LOG_LEVELS:
            self.invalid(name, f"must be one of {', '.join(_LOG_LEVELS)}", value)
            return "INFO"
        return value

    def admin_path(self, name: str) -> str:
        value = self.raw(name) or "admin/"
        try:
            return normalise_admin_path(value)
        except ValueError as error:
            self.invalid(name, str(error), value)
            return "admin/"

    # -- outcome -----------------------------------------------------------------------------

    def raise_if_problems(self, settings_module: str) -> None:
        if self.problems:
            raise ConfigurationError(self.problems, settings_module)


# ------------------------------------------------------------------------------------------------
# The sections of the production environment
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseConfig:
    url: str  # postgresql://user:quoted-password@host:port/name
    #: Seconds a web request's statement may run (0: no limit); see runtime.database.
    statement_timeout: int = 30


def read_database(reader: EnvironmentReader) -> DatabaseConfig | None:
    """DATABASE_URL, or the DATABASE_* parts (port 5432 and name 'panelapp' by default)."""
    # A day is far beyond any web timeout: a larger value is a unit mistake (milliseconds?).
    timeout = reader.integer("DATABASE_STATEMENT_TIMEOUT", minimum=0, maximum=86400)
    if reader.is_set("DATABASE_URL"):
        url = reader.url("DATABASE_URL", schemes=("postgres", "postgresql", "postgis"))
        if url is None or timeout is None:
            return None
        parts = urlsplit(url)
        if not parts.hostname or not parts.path.strip("/"):
            reader.problems.append(
                "DATABASE_URL must name a host and a database: postgresql://user:password@host:port/name"
            )
            return None
        return DatabaseConfig(url=url, statement_timeout=timeout)
    host = reader.text("DATABASE_HOST", required=True)
    user = reader.text("DATABASE_USER", required=True)
    password = reader.text("DATABASE_PASSWORD", required=True)
    port = reader.port("DATABASE_PORT")
    name = reader.text("DATABASE_NAME")
    if host is None or user is None or password is None or port is None or name is None or timeout is None:
        return None
    # The password may hold '@', ':' or '/': quoted, like PanelApp does, so the URL parses back exactly.
    return DatabaseConfig(
        url=f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@{host}:{port}/{name}",
        statement_timeout=timeout,
    )


_ALB_ARN = re.compile(
    r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/([^*\s]+/[^*\s/]+|[^*\s]*\*)$"
)
_USER_POOL_ID = re.compile(r"^([a-z]{2}(-[a-z]+)+-[0-9])_[A-Za-z0-9]+$")


@dataclass(frozen=True)
class CognitoConfig:
    domain_prefix: str
    client_id: str
    hosted_auth_base: str
    logout_endpoint: str
    session_cookie_prefix: str
    public_key_endpoint: str
    jwt_sections: int
    jwt_algorithm: str
    access_token_header: str
    identity_header: str
    data_header: str
    alb_arns: tuple[str, ...] = ()
    issuer: str = ""
    break_glass: bool = False


def read_alb_arns(reader: EnvironmentReader) -> tuple[str, ...] | None:
    """AWS_ALB_ARNS: ALB ARNs separated by ';'; a trailing * is a prefix that must name the account
    and region at least (a bare * would trust every load balancer in AWS)."""
    text = reader.text("AWS_ALB_ARNS", required=True)
    if text is None:
        return None
    arns = tuple(part.strip() for part in text.split(";") if part.strip())
    bad = [arn for arn in arns if not _ALB_ARN.match(arn)]
    if not arns or bad:
        reader.invalid(
            "AWS_ALB_ARNS",
            "must be load balancer ARNs separated by ';' "
            "(arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>, or a prefix "
            "of at least the account and region ending in *)",
            text,
        )
        return None
    return arns


def read_cognito(reader: EnvironmentReader, *, region: str | None, base_url: str | None) -> CognitoConfig | None:
    """The Cognito/ALB settings, with PanelApp's defaults derived from region and base URL."""
    if not reader.boolean("AWS_USE_COGNITO"):
        return None
    prefix = reader.text("AWS_COGNITO_DOMAIN_PREFIX", required=True)
    client_id = reader.text("AWS_COGNITO_USER_POOL_CLIENT_ID", required=True)
    pool_id = reader.text("AWS_COGNITO_USER_POOL_ID", required=True)
    match = _USER_POOL_ID.match(pool_id or "")
    if pool_id is not None and match is None:
        reader.invalid("AWS_COGNITO_USER_POOL_ID", "must be a user pool id such as eu-west-2_AbC123", pool_id)
    alb_arns = read_alb_arns(reader)
    break_glass = reader.boolean("AWS_COGNITO_BREAK_GLASS")
    region = region or "us-east-1"
    base_url = (base_url or "").rstrip("/")
    hosted = reader.url("AWS_COGNITO_HOSTED_AUTH_BASE") if reader.is_set("AWS_COGNITO_HOSTED_AUTH_BASE") else None
    hosted = hosted or f"https://{prefix}.auth.{region}.amazoncognito.com/"
    if not hosted.endswith("/"):
        hosted += "/"
    if reader.is_set("AWS_COGNITO_IDP_LOGOUT_ENDPOINT"):
        logout = reader.url("AWS_COGNITO_IDP_LOGOUT_ENDPOINT") or ""
    else:
        logout = (
            f"{hosted}logout?&client_id={client_id}&logout_uri={base_url}/accounts/logout/"
            f"&redirect_uri={base_url}&response_type=code"
        )
    if reader.is_set("AWS_ELB_PUBLIC_KEY_ENDPOINT"):
        keys = reader.url("AWS_ELB_PUBLIC_KEY_ENDPOINT") or ""
    else:
        keys = f"https://public-keys.auth.elb.{region}.amazonaws.com/"
    if keys and not keys.endswith("/"):
        keys += "/"  # PanelApp appends the kid directly: <endpoint><kid>
    sections = reader.integer("AWS_JWT_SECTIONS", minimum=3, maximum=5)
    algorithm = reader.text("AWS_JWT_SIGNATURE_ALGORITHM") or "ES256"
    if algorithm.lower() == "none" or algorithm.upper().startswith("HS"):
        # 'none' would accept unsigned tokens; HS* would take the public key as an HMAC secret.
        reader.problems.append(
            f"AWS_JWT_SIGNATURE_ALGORITHM must be an asymmetric algorithm such as ES256, got {algorithm!r}"
        )
    if prefix is None or client_id is None or sections is None or match is None or alb_arns is None:
        return None
    return CognitoConfig(
        domain_prefix=prefix,
        client_id=client_id,
        hosted_auth_base=hosted,
        logout_endpoint=logout,
        session_cookie_prefix=reader.text("AWS_ELB_SESSION_COOKIE_PREFIX") or "AWSELBAuthSessionCookie",
        public_key_endpoint=keys,
        jwt_sections=sections,
        jwt_algorithm=algorithm,
        access_token_header=reader.text("AWS_AMZN_OIDC_ACCESS_TOKEN") or "HTTP_X_AMZN_OIDC_ACCESSTOKEN",
        identity_header=reader.text("AWS_AMZN_OIDC_IDENTITY") or "HTTP_X_AMZN_OIDC_IDENTITY",
        data_header=reader.text("AWS_AMZN_OIDC_DATA") or "HTTP_X_AMZN_OIDC_DATA",
        alb_arns=alb_arns,
        break_glass=break_glass,
        # The pool's region is the prefix of its id; the issuer is its IdP URL.
        issuer=f"https://cognito-idp.{match.group(1)}.amazonaws.com/{pool_id}",
    )


@dataclass(frozen=True)
class S3Config:
    region: str
    static_bucket: str
    static_location: str
    static_domain: str
    media_bucket: str
    media_location: str
    media_domain: str
    endpoint_url: str | None
    access_key_id: str | None
    secret_access_key: str | None
    url_protocol: str = "https:"


def read_s3(reader: EnvironmentReader) -> S3Config | None:
    region = reader.text("AWS_REGION")
    static_bucket = reader.text("AWS_S3_STATICFILES_BUCKET_NAME")
    static_location = (reader.text("AWS_STATICFILES_LOCATION") or "").strip("/")
    static_domain = reader.domain("AWS_S3_STATICFILES_CUSTOM_DOMAIN")
    media_bucket = reader.text("AWS_S3_MEDIAFILES_BUCKET_NAME")
    media_location = (reader.text("AWS_MEDIAFILES_LOCATION") or "").strip("/")
    media_domain = reader.domain("AWS_S3_MEDIAFILES_CUSTOM_DOMAIN")
    endpoint_url = reader.url("AWS_S3_ENDPOINT_URL")
    access_key_id = reader.text("AWS_ACCESS_KEY_ID")
    secret_access_key = reader.text("AWS_SECRET_ACCESS_KEY")
    url_protocol = reader.text("AWS_S3_URL_PROTOCOL") or "https:"
    if url_protocol not in ("https:", "http:"):
        reader.invalid("AWS_S3_URL_PROTOCOL", "must be https: or http:", url_protocol)
        url_protocol = "https:"
    if bool(access_key_id) != bool(secret_access_key):
        reader.problems.append(
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together (or neither, to use the IAM role)"
        )
    if region is None or static_bucket is None or static_domain is None or media_bucket is None or media_domain is None:
        return None
    return S3Config(
        region=region,
        static_bucket=static_bucket,
        static_location=static_location,
        static_domain=static_domain,
        media_bucket=media_bucket,
        media_location=media_location,
        media_domain=media_domain,
        endpoint_url=endpoint_url,
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        url_protocol=url_protocol,
    )


@dataclass(frozen=True)
class QueueConfig:
    broker_url: str
    queue_name: str
    queue_url: str | None
    region: str
    visibility_timeout: int
    polling_interval: int


def read_queue(reader: EnvironmentReader) -> QueueConfig | None:
    broker_url = reader.url("CELERY_BROKER_URL", schemes=("sqs",))
    queue_name = reader.text("TASK_QUEUE_NAME")
    if queue_name is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,80}(\.fifo)?", queue_name):
        reader.invalid("TASK_QUEUE_NAME", "must be an SQS queue name (letters, digits, '-', '_')", queue_name)
        queue_name = None
    # SQS limits: a visibility timeout is at most 12 hours.
    timeout = reader.integer("SQS_QUEUE_VISIBILITY_TIMEOUT", minimum=0, maximum=43200)
    polling = reader.integer("BROKER_POLLING_INTERVAL", minimum=0, maximum=20)
    queue_url = reader.url("SQS_QUEUE_URL")
    region = reader.environ.get("AWS_REGION", "").strip()
    if broker_url is None or queue_name is None or timeout is None or polling is None or not region:
        return None
    return QueueConfig(
        broker_url=broker_url,
        queue_name=queue_name,
        queue_url=queue_url,
        region=region,
        visibility_timeout=timeout,
        polling_interval=polling,
    )


@dataclass(frozen=True)
class EmailConfig:
    host: str
    port: int
    user: str | None
    password: str | None
    use_tls: bool
    default_from: str
    panelapp_email: str


def read_email(reader: EnvironmentReader) -> EmailConfig | None:
    host = reader.text("EMAIL_HOST")
    port = reader.port("EMAIL_PORT")
    user = reader.text("EMAIL_HOST_USER")
    password = reader.text("EMAIL_HOST_PASSWORD")
    use_tls = reader.boolean("EMAIL_USE_TLS")
    default_from = reader.email("DEFAULT_FROM_EMAIL")
    panelapp_email = reader.email("PANEL_APP_EMAIL")
    if bool(user) != bool(password):
        reader.problems.append(
            "EMAIL_HOST_USER and EMAIL_HOST_PASSWORD must be set together (or neither, for no SMTP authentication)"
        )
    if host is None or port is None or default_from is None or panelapp_email is None:
        return None
    return EmailConfig(
        host=host,
        port=port,
        user=user,
        password=password,
        use_tls=use_tls,
        default_from=default_from,
        panelapp_email=panelapp_email,
    )


@dataclass(frozen=True)
class SiteConfig:
    secret_key: str
    allowed_hosts: list[str]
    base_url: str
    admin_path: str
    log_level: str
    health_token: str | None


def read_site(reader: EnvironmentReader) -> SiteConfig | None:
    secret_key = reader.text("SECRET_KEY")
    if secret_key is not None and reader.production and len(secret_key) < 32:
        reader.problems.append("SECRET_KEY must be at least 32 characters long (a long random string)")
    allowed_hosts = reader.hosts("ALLOWED_HOSTS")
    base_url = reader.url("PANEL_APP_BASE_URL")
    admin_path = reader.admin_path("DJANGO_ADMIN_URL")
    log_level = reader.log_level("DJANGO_LOG_LEVEL")
    health_token = reader.text("HEALTH_CHECK_TOKEN")
    if secret_key is None or base_url is None or not allowed_hosts:
        return None
    return SiteConfig(
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        base_url=base_url.rstrip("/"),
        admin_path=admin_path,
        log_level=log_level,
        health_token=health_token,
    )


@dataclass(frozen=True)
class SecurityConfig:
    hsts_seconds: int = 31536000
    hsts_include_subdomains: bool = False
    hsts_preload: bool = False
    ssl_redirect: bool = True


def read_security(reader: EnvironmentReader) -> SecurityConfig:
    """HSTS and the HTTPS redirect (runtime.security); preload needs what browsers' lists require."""
    seconds = reader.integer("SECURE_HSTS_SECONDS", minimum=0)
    config = SecurityConfig(
        hsts_seconds=31536000 if seconds is None else seconds,
        hsts_include_subdomains=reader.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS"),
        hsts_preload=reader.boolean("SECURE_HSTS_PRELOAD"),
        ssl_redirect=reader.boolean("SECURE_SSL_REDIRECT"),
    )
    if config.hsts_preload and (not config.hsts_include_subdomains or config.hsts_seconds < 31536000):
        reader.problems.append(
            "SECURE_HSTS_PRELOAD needs SECURE_HSTS_INCLUDE_SUBDOMAINS=true and "
            "SECURE_HSTS_SECONDS of at least 31536000 (a year)"
        )
    return config


_RATE = re.compile(r"^[0-9]+/(second|minute|hour|day|s|m|h|d)$")


@dataclass(frozen=True)
class ThrottlingConfig:
    login_failure_limit: int = 10
    login_lockout_minutes: int = 15
    api_anon_rate: str | None = "1200/minute"
    api_token_rate: str | None = "6000/minute"


def _rate(reader: EnvironmentReader, name: str) -> str | None:
    text = reader.text(name) or ""
    if text.lower() in ("off", "none", "0"):
        return None
    if not _RATE.match(text):
        reader.invalid(name, "must be a rate such as 1200/minute (second, minute, hour or day), or off", text)
        return None
    return text


def read_throttling(reader: EnvironmentReader) -> ThrottlingConfig:
    limit = reader.integer("LOGIN_FAILURE_LIMIT", minimum=1, maximum=1000)
    minutes = reader.integer("LOGIN_LOCKOUT_MINUTES", minimum=1, maximum=7 * 24 * 60)
    return ThrottlingConfig(
        login_failure_limit=limit or 10,
        login_lockout_minutes=minutes or 15,
        api_anon_rate=_rate(reader, "API_THROTTLE_ANON_RATE"),
        api_token_rate=_rate(reader, "API_THROTTLE_TOKEN_RATE"),
    )


@dataclass(frozen=True)
class ProductionEnvironment:
    """Everything panelapp.settings.docker-aws needs, validated."""

    site: SiteConfig
    database: DatabaseConfig
    email: EmailConfig
    s3: S3Config
    queue: QueueConfig
    cognito: CognitoConfig | None
    security: SecurityConfig = SecurityConfig()
    throttling: ThrottlingConfig = ThrottlingConfig()
    #: The Prometheus metrics' port (runtime.metrics); None: no metrics server.
    metrics_port: int | None = None


def load_production(environ: Mapping[str, str]) -> ProductionEnvironment:
    """Validate the whole production contract; raise ConfigurationError naming EVERY problem."""
    reader = EnvironmentReader(environ, production=True)
    site = read_site(reader)
    database = read_database(reader)
    email = read_email(reader)
    s3 = read_s3(reader)
    queue = read_queue(reader)
    cognito = read_cognito(reader, region=environ.get("AWS_REGION"), base_url=site.base_url if site else None)
    security = read_security(reader)
    throttling = read_throttling(reader)
    metrics_port = reader.port("METRICS_PORT")
    reader.raise_if_problems(contract.PRODUCTION_SETTINGS_MODULE)
    assert site and database and email and s3 and queue  # guaranteed when there is no problem
    return ProductionEnvironment(
        site=site,
        database=database,
        email=email,
        s3=s3,
        queue=queue,
        cognito=cognito,
        security=security,
        throttling=throttling,
        metrics_port=metrics_port,
    )
