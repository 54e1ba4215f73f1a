"""What PanelApp runs against: AWS (S3 buckets, the SQS queue), PostgreSQL, SMTP, Django's own
secrets and the optional Cognito login."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field

from panelapp_operator.rules import Rule, SpecModel
from panelapp_operator.spec.core import SecretKeyRef
from panelapp_operator.spec.patterns import ALB_ARN, ARN, AWS_REGION, HOST_NAME, S3_BUCKET, SQS_QUEUE_URL, URL


class AwsSpec(SpecModel):
    """AWS settings. Prefer IAM roles for service accounts (serviceAccount.roleARN) over access keys."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="has(self.accessKeyIDSecretRef) == has(self.secretAccessKeySecretRef)",
            message="set both accessKeyIDSecretRef and secretAccessKeySecretRef, or neither (use an IAM role)",
            field=".accessKeyIDSecretRef",
            holds=lambda m: (m.access_key_id_secret_ref is None) == (m.secret_access_key_secret_ref is None),
        ),
    )

    region: str = Field(
        description="AWS region of the buckets and the queue (AWS_REGION), e.g. eu-west-2.",
        max_length=32,
        pattern=AWS_REGION,
    )
    access_key_id_secret_ref: SecretKeyRef | None = Field(
        default=None,
        description="Secret key holding AWS_ACCESS_KEY_ID. Only needed without an IAM role; not recommended.",
    )
    secret_access_key_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding AWS_SECRET_ACCESS_KEY. Set together with accessKeyIDSecretRef."
    )


class StorageSpec(SpecModel):
    """The two S3 buckets: static files (read-write by web, public through a CDN) and media (uploads,
    read-write by web and worker)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!self.staticBucket.contains('..')",
            message="an S3 bucket name cannot contain two adjacent dots",
            field=".staticBucket",
            holds=lambda m: ".." not in m.static_bucket,
        ),
        Rule(
            cel="!self.mediaBucket.contains('..')",
            message="an S3 bucket name cannot contain two adjacent dots",
            field=".mediaBucket",
            holds=lambda m: ".." not in m.media_bucket,
        ),
    )

    static_bucket: str = Field(
        description="S3 bucket for static files (AWS_S3_STATICFILES_BUCKET_NAME).", max_length=63, pattern=S3_BUCKET
    )
    media_bucket: str = Field(
        description="S3 bucket for uploaded media (AWS_S3_MEDIAFILES_BUCKET_NAME).", max_length=63, pattern=S3_BUCKET
    )
    static_domain: str = Field(
        description="CDN domain serving the static bucket, no scheme and no trailing slash "
        "(AWS_S3_STATICFILES_CUSTOM_DOMAIN), e.g. static.panelapp.example.org.",
        max_length=253,
        pattern=HOST_NAME,
    )
    media_domain: str = Field(
        description="CDN domain serving the media bucket, no scheme and no trailing slash "
        "(AWS_S3_MEDIAFILES_CUSTOM_DOMAIN).",
        max_length=253,
        pattern=HOST_NAME,
    )
    static_location: str = Field(
        default="static",
        description="Path of static files inside their bucket (AWS_STATICFILES_LOCATION). Always rendered.",
        max_length=256,
    )
    media_location: str = Field(
        default="media",
        description="Path of media files inside their bucket "
        "(AWS_MEDIAFILES_LOCATION). Always rendered, because the app's documentation "
        "and code disagree on its default.",
        max_length=256,
    )


class QueueSpec(SpecModel):
    """The SQS queue Celery uses. Create it beforehand; the app has no permission to create queues."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            # (has() ? :, not an optional: the API server's cost estimate of .orValue() here is far over budget)
            cel="!has(self.url) || self.url.endsWith('/' + (has(self.name) ? self.name : 'panelapp'))",
            message="url must end with /<name>: the URL and the name name one queue",
            field=".url",
            holds=lambda m: m.url is None or m.url.endswith("/" + m.name),
        ),
    )

    name: str = Field(
        default="panelapp",
        description="SQS queue name (TASK_QUEUE_NAME).",
        max_length=80,
        pattern=r"^[A-Za-z0-9_-]{1,80}(\.fifo)?$",
    )
    visibility_timeout_seconds: int = Field(
        default=360,
        ge=0,
        le=43200,
        description="Visibility timeout of the queue in seconds, 0-43200 (SQS_QUEUE_VISIBILITY_TIMEOUT). It must "
        "equal the queue's own setting, or Celery tries to create a new queue.",
    )
    broker_url_secret_ref: SecretKeyRef | None = Field(
        default=None,
        description="Secret key holding CELERY_BROKER_URL (sqs://KEY:SECRET@). Only needed without an IAM role.",
    )
    url: str | None = Field(
        default=None,
        max_length=2048,
        pattern=SQS_QUEUE_URL,
        description="URL of the queue, e.g. https://sqs.eu-west-2.amazonaws.com/123456789012/panelapp "
        "(SQS_QUEUE_URL; without it the app looks it up with GetQueueUrl). Its last part is the queue's name. "
        "Needed by worker.autoscaling.queue (the scaler reads the queue's depth from it).",
    )


_DATABASE_PARTS = (
    "host",
    "hostSecretRef",
    "port",
    "portSecretRef",
    "name",
    "nameSecretRef",
    "user",
    "userSecretRef",
    "passwordSecretRef",
)


def _at_most_one(*values: Any) -> bool:
    return sum(value is not None for value in values) <= 1


class DatabaseSpec(SpecModel):
    """The PostgreSQL database: either urlSecretRef, or the parts (host, port, name, user, each as a
    plain value or from a Secret, and passwordSecretRef). The app's contract counts all of them as
    secrets: use the *SecretRef forms to keep them out of the resource (plain values are rendered
    into the ConfigMap, as written)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!has(self.urlSecretRef) || !(" + " || ".join(f"has(self.{p})" for p in _DATABASE_PARTS) + ")",
            message="set either urlSecretRef or the parts (host, port, name, user, passwordSecretRef), not both",
            field=".urlSecretRef",
            holds=lambda m: (
                m.url_secret_ref is None
                or all(
                    getattr(m, f) is None
                    for f in (
                        "host",
                        "host_secret_ref",
                        "port",
                        "port_secret_ref",
                        "name",
                        "name_secret_ref",
                        "user",
                        "user_secret_ref",
                        "password_secret_ref",
                    )
                )
            ),
        ),
        Rule(
            cel="has(self.urlSecretRef) || (has(self.host) != has(self.hostSecretRef))",
            message="set exactly one of host and hostSecretRef (or use urlSecretRef)",
            field=".host",
            holds=lambda m: m.url_secret_ref is not None or ((m.host is None) != (m.host_secret_ref is None)),
        ),
        Rule(
            cel="has(self.urlSecretRef) || has(self.passwordSecretRef)",
            message="passwordSecretRef is required unless urlSecretRef is set",
            field=".passwordSecretRef",
            holds=lambda m: m.url_secret_ref is not None or m.password_secret_ref is not None,
        ),
        Rule(
            cel="has(self.urlSecretRef) || (has(self.user) != has(self.userSecretRef))",
            message="set exactly one of user and userSecretRef (or use urlSecretRef)",
            field=".user",
            holds=lambda m: m.url_secret_ref is not None or ((m.user is None) != (m.user_secret_ref is None)),
        ),
        Rule(
            cel="!(has(self.port) && has(self.portSecretRef))",
            message="set port or portSecretRef, not both",
            field=".port",
            holds=lambda m: _at_most_one(m.port, m.port_secret_ref),
        ),
        Rule(
            cel="!(has(self.name) && has(self.nameSecretRef))",
            message="set name or nameSecretRef, not both",
            field=".name",
            holds=lambda m: _at_most_one(m.name, m.name_secret_ref),
        ),
    )

    url_secret_ref: SecretKeyRef | None = Field(
        default=None,
        description="Secret key holding DATABASE_URL, postgresql://USER:PASSWORD@HOST:PORT/NAME. "
        "Excludes every other field of database.",
    )
    host: str | None = Field(
        default=None,
        description="PostgreSQL host name (DATABASE_HOST) as a plain value.",
        max_length=253,
        pattern=HOST_NAME,
    )
    host_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding DATABASE_HOST, instead of host."
    )
    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="PostgreSQL port (DATABASE_PORT). Defaults to 5432 and is always rendered "
        "with the parts, because the app's own fallback has been wrong before.",
    )
    port_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding DATABASE_PORT, instead of port."
    )
    name: str | None = Field(
        default=None, description="Database name (DATABASE_NAME). Defaults to panelapp.", max_length=63
    )
    name_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding DATABASE_NAME, instead of name."
    )
    user: str | None = Field(default=None, description="Database user (DATABASE_USER) as a plain value.", max_length=63)
    user_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding DATABASE_USER, instead of user."
    )
    password_secret_ref: SecretKeyRef | None = Field(default=None, description="Secret key holding DATABASE_PASSWORD.")


class EmailSpec(SpecModel):
    """Outgoing email (SMTP, e.g. Amazon SES)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="has(self.userSecretRef) == has(self.passwordSecretRef)",
            message="set both userSecretRef and passwordSecretRef, or neither (no SMTP authentication)",
            field=".userSecretRef",
            holds=lambda m: (m.user_secret_ref is None) == (m.password_secret_ref is None),
        ),
    )

    host: str = Field(description="SMTP server host name (EMAIL_HOST).", max_length=253, pattern=HOST_NAME)
    port: int = Field(default=587, ge=1, le=65535, description="SMTP server port (EMAIL_PORT).")
    use_tls: bool = Field(default=True, description="Use STARTTLS (EMAIL_USE_TLS).")
    from_address: str = Field(
        description="Sender address of outgoing mail (DEFAULT_FROM_EMAIL).",
        max_length=254,
        pattern=r"^[^@\s]+@[^@\s]+$",
    )
    panelapp_address: str = Field(
        description="PanelApp's own contact address (PANEL_APP_EMAIL).", max_length=254, pattern=r"^[^@\s]+@[^@\s]+$"
    )
    user_secret_ref: SecretKeyRef | None = Field(default=None, description="Secret key holding EMAIL_HOST_USER.")
    password_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding EMAIL_HOST_PASSWORD."
    )


class DjangoSpec(SpecModel):
    """Django secrets."""

    secret_key_secret_ref: SecretKeyRef | None = Field(
        default=None,
        description="Secret key holding SECRET_KEY. If unset, the operator generates a random key once into the "
        "owned Secret <name>-secret-key and keeps it.",
    )
    admin_url_secret_ref: SecretKeyRef | None = Field(
        default=None, description="Secret key holding DJANGO_ADMIN_URL, the admin path (kept secret by obscurity)."
    )


class CognitoSpec(SpecModel):
    """Optional login through Amazon Cognito behind an AWS Application Load Balancer."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!self.?enabled.orValue(false) || (has(self.domainPrefix) && has(self.userPoolClientID))",
            message="domainPrefix and userPoolClientID are required when Cognito is enabled",
            field=".domainPrefix",
            holds=lambda m: not m.enabled or (m.domain_prefix is not None and m.user_pool_client_id is not None),
        ),
        Rule(
            cel="!self.?enabled.orValue(false) || has(self.userPoolARN)",
            message="userPoolARN is required when Cognito is enabled: PanelApp checks that the ALB's token was "
            "issued by this user pool",
            field=".userPoolARN",
            holds=lambda m: not m.enabled or m.user_pool_arn is not None,
        ),
    )

    enabled: bool = Field(default=False, description="Authenticate users with Cognito (AWS_USE_COGNITO).")
    domain_prefix: str | None = Field(
        default=None,
        max_length=63,
        pattern=r"^[a-z0-9](-?[a-z0-9])*$",
        description="Hosted UI domain prefix (AWS_COGNITO_DOMAIN_PREFIX).",
    )
    user_pool_client_id: str | None = Field(
        default=None,
        max_length=128,
        pattern=r"^[\w+]+$",
        description="User pool app client ID (AWS_COGNITO_USER_POOL_CLIENT_ID).",
    )
    user_pool_arn: str | None = Field(
        default=None,
        max_length=2048,
        pattern=ARN,
        description="User pool ARN, used by the ALB login rule of the Ingress; its id is rendered as "
        "AWS_COGNITO_USER_POOL_ID (the token's iss). Required when Cognito is enabled.",
    )
    alb_arns: list[Annotated[str, Field(max_length=2048, pattern=ALB_ARN)]] | None = Field(
        default=None,
        min_length=1,
        max_length=16,
        alias="albARNs",  # plural acronym, like podIPs
        description="Load balancers whose tokens PanelApp trusts (AWS_ALB_ARNS, the token's signer). Defaults to "
        "every ALB of the user pool's account in spec.aws.region (arn:...:loadbalancer/app/*); give the exact ARN "
        "once the ALB exists.",
    )
    hosted_auth_base: str | None = Field(
        default=None,
        max_length=2048,
        pattern=URL,
        description="Hosted UI auth base URL (AWS_COGNITO_HOSTED_AUTH_BASE).",
    )
    idp_logout_endpoint: str | None = Field(
        default=None, max_length=2048, pattern=URL, description="Logout endpoint URL (AWS_COGNITO_IDP_LOGOUT_ENDPOINT)."
    )
    elb_session_cookie_prefix: str | None = Field(
        default=None,
        max_length=256,
        description="ALB auth session cookie name (AWS_ELB_SESSION_COOKIE_PREFIX); also set on the ALB login "
        "rule. The app's default is AWSELBAuthSessionCookie.",
    )
    elb_public_key_endpoint: str | None = Field(
        default=None,
        max_length=2048,
        pattern=URL,
        description="Regional ELB public key URL (AWS_ELB_PUBLIC_KEY_ENDPOINT).",
    )
    jwt_sections: int | None = Field(
        default=None, ge=1, le=10, description="Number of sections of the ALB JWT (AWS_JWT_SECTIONS); app default 3."
    )
    jwt_signature_algorithm: str | None = Field(
        default=None, max_length=16, description="ALB JWT algorithm (AWS_JWT_SIGNATURE_ALGORITHM); app default ES256."
    )
    oidc_access_token_header: str | None = Field(
        default=None, max_length=128, description="Access token header (AWS_AMZN_OIDC_ACCESS_TOKEN)."
    )
    oidc_identity_header: str | None = Field(
        default=None, max_length=128, description="Identity header (AWS_AMZN_OIDC_IDENTITY)."
    )
    oidc_data_header: str | None = Field(
        default=None, max_length=128, description="OIDC data header (AWS_AMZN_OIDC_DATA)."
    )
