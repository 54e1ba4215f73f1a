"""The environment contract: which variables a PanelApp container gets, and from where.

Non-secret values go into the owned ConfigMap (imported whole with envFrom). Secret values are only
ever *references* (valueFrom.secretKeyRef) to Secrets the user owns, or to the Secret holding the
generated Django key, so no secret value passes through the operator or lands in a ConfigMap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panelapp_operator import names
from panelapp_operator import spec as api

DEFAULT_DATABASE_PORT = 5432
DEFAULT_DATABASE_NAME = "panelapp"


def _bool(value: bool) -> str:
    # Django settings read these with a truthy-string parser; "True"/"False" is what the
    # contract's own examples use.
    return "True" if value else "False"


def config_map_data(spec: api.PanelAppSpec, *, read_only: bool = False) -> dict[str, str]:
    """Every non-secret variable shared by web, worker, beat and the Jobs. `read_only`: web answers
    writes with 503 (the standing switch, or a maintenance upgrade under way)."""
    data = {
        "AWS_REGION": spec.aws.region,
        "AWS_S3_STATICFILES_BUCKET_NAME": spec.storage.static_bucket,
        "AWS_S3_MEDIAFILES_BUCKET_NAME": spec.storage.media_bucket,
        "AWS_S3_STATICFILES_CUSTOM_DOMAIN": spec.storage.static_domain,
        "AWS_S3_MEDIAFILES_CUSTOM_DOMAIN": spec.storage.media_domain,
        "AWS_STATICFILES_LOCATION": spec.storage.static_location,
        "AWS_MEDIAFILES_LOCATION": spec.storage.media_location,
        # The app splits ALLOWED_HOSTS on ';', not ','.
        "ALLOWED_HOSTS": ";".join(spec.allowed_hosts),
        "PANEL_APP_BASE_URL": spec.base_url,
        "DEFAULT_FROM_EMAIL": spec.email.from_address,
        "PANEL_APP_EMAIL": spec.email.panelapp_address,
        "EMAIL_HOST": spec.email.host,
        "EMAIL_PORT": str(spec.email.port),
        "EMAIL_USE_TLS": _bool(spec.email.use_tls),
        "DJANGO_LOG_LEVEL": spec.log_level,
        "TASK_QUEUE_NAME": spec.queue.name,
        "SQS_QUEUE_VISIBILITY_TIMEOUT": str(spec.queue.visibility_timeout_seconds),
        "AWS_USE_COGNITO": _bool(spec.cognito.enabled),
    }
    if spec.queue.url is not None:
        data["SQS_QUEUE_URL"] = spec.queue.url
    database = spec.database
    if database.url_secret_ref is None:
        # Parts given as plain values (those from Secrets are secretKeyRefs, see secret_references).
        if database.host is not None:
            data["DATABASE_HOST"] = database.host
        if database.port_secret_ref is None:
            # Always set, whether or not the app's fallback is right: it was 5324 in the past.
            data["DATABASE_PORT"] = str(database.port or DEFAULT_DATABASE_PORT)
        if database.name_secret_ref is None:
            data["DATABASE_NAME"] = database.name or DEFAULT_DATABASE_NAME
        if database.user is not None:
            data["DATABASE_USER"] = database.user
    if spec.cognito.enabled:
        data.update(_cognito_data(spec.cognito))
        data.update(_token_check_data(spec))
    throttle = spec.web.api_throttle
    if throttle is not None:
        for name, value in (
            ("API_THROTTLE_ANON_RATE", throttle.anonymous_rate),
            ("API_THROTTLE_TOKEN_RATE", throttle.token_rate),
        ):
            if value is not None:
                data[name] = value
    data.update(maintenance_data(spec, read_only=read_only or spec.maintenance.enabled))
    return data


def maintenance_data(spec: api.PanelAppSpec, *, read_only: bool) -> dict[str, str]:
    """PANELAPP_READ_ONLY (+ its message) and PANELAPP_BANNER, only when in use: an installation
    that uses neither keeps the ConfigMap (and config hash) it always had."""
    data = {}
    if read_only:
        data["PANELAPP_READ_ONLY"] = _bool(True)
        if spec.maintenance.message:
            data["PANELAPP_READ_ONLY_MESSAGE"] = spec.maintenance.message
    if spec.banner:
        data["PANELAPP_BANNER"] = spec.banner
    return data


def _cognito_data(cognito: api.CognitoSpec) -> dict[str, str]:
    optional = {
        "AWS_COGNITO_DOMAIN_PREFIX": cognito.domain_prefix,
        "AWS_COGNITO_USER_POOL_CLIENT_ID": cognito.user_pool_client_id,
        "AWS_COGNITO_HOSTED_AUTH_BASE": cognito.hosted_auth_base,
        "AWS_COGNITO_IDP_LOGOUT_ENDPOINT": cognito.idp_logout_endpoint,
        "AWS_ELB_SESSION_COOKIE_PREFIX": cognito.elb_session_cookie_prefix,
        "AWS_ELB_PUBLIC_KEY_ENDPOINT": cognito.elb_public_key_endpoint,
        "AWS_JWT_SECTIONS": None if cognito.jwt_sections is None else str(cognito.jwt_sections),
        "AWS_JWT_SIGNATURE_ALGORITHM": cognito.jwt_signature_algorithm,
        "AWS_AMZN_OIDC_ACCESS_TOKEN": cognito.oidc_access_token_header,
        "AWS_AMZN_OIDC_IDENTITY": cognito.oidc_identity_header,
        "AWS_AMZN_OIDC_DATA": cognito.oidc_data_header,
    }
    return {name: value for name, value in optional.items() if value is not None}


def _token_check_data(spec: api.PanelAppSpec) -> dict[str, str]:
    """What the app checks the ALB token against: the user pool (iss) and the load balancers
    (signer). Without explicit albARNs, every ALB of the user pool's account in the region."""
    pool_arn = spec.cognito.user_pool_arn
    if pool_arn is None:  # refused by the spec's rules when Cognito is enabled
        return {}
    partition, account = pool_arn.split(":")[1], pool_arn.split(":")[4]
    albs = spec.cognito.alb_arns or [
        f"arn:{partition}:elasticloadbalancing:{spec.aws.region}:{account}:loadbalancer/app/*"
    ]
    return {"AWS_COGNITO_USER_POOL_ID": pool_arn.rsplit("/", 1)[-1], "AWS_ALB_ARNS": ";".join(albs)}


@dataclass(frozen=True)
class Reference:
    """A Secret or ConfigMap (key) the pods read, with the spec field that names it.

    The operator checks each one exists before touching anything (a missing one is answered with
    ConfigValid=False naming `field`) and hashes their resourceVersions into the pod templates.
    """

    kind: str  # "Secret" or "ConfigMap"
    name: str
    key: str | None
    field: str
    optional: bool = False
    env_name: str | None = None


def secret_references(spec: api.PanelAppSpec) -> list[Reference]:
    """The Secret keys the operator's own fields point at, in the order their variables render."""
    candidates: list[tuple[str, str, api.SecretKeyRef | None]] = [
        ("SECRET_KEY", "spec.django.secretKeySecretRef", spec.django.secret_key_secret_ref),
        ("DJANGO_ADMIN_URL", "spec.django.adminURLSecretRef", spec.django.admin_url_secret_ref),
        ("DATABASE_URL", "spec.database.urlSecretRef", spec.database.url_secret_ref),
        ("DATABASE_HOST", "spec.database.hostSecretRef", spec.database.host_secret_ref),
        ("DATABASE_PORT", "spec.database.portSecretRef", spec.database.port_secret_ref),
        ("DATABASE_NAME", "spec.database.nameSecretRef", spec.database.name_secret_ref),
        ("DATABASE_USER", "spec.database.userSecretRef", spec.database.user_secret_ref),
        ("DATABASE_PASSWORD", "spec.database.passwordSecretRef", spec.database.password_secret_ref),
        ("EMAIL_HOST_USER", "spec.email.userSecretRef", spec.email.user_secret_ref),
        ("EMAIL_HOST_PASSWORD", "spec.email.passwordSecretRef", spec.email.password_secret_ref),
        ("AWS_ACCESS_KEY_ID", "spec.aws.accessKeyIDSecretRef", spec.aws.access_key_id_secret_ref),
        ("AWS_SECRET_ACCESS_KEY", "spec.aws.secretAccessKeySecretRef", spec.aws.secret_access_key_secret_ref),
        ("CELERY_BROKER_URL", "spec.queue.brokerURLSecretRef", spec.queue.broker_url_secret_ref),
    ]
    return [
        Reference(kind="Secret", name=ref.name, key=ref.key, field=field, env_name=env_name)
        for env_name, field, ref in candidates
        if ref is not None
    ]


def user_references(spec: api.PanelAppSpec) -> list[Reference]:
    """Secrets and ConfigMaps named by the pass-through env and envFrom."""
    found: list[Reference] = []
    for index, var in enumerate(spec.env or ()):
        source = var.value_from
        if source is None:
            continue
        if source.secret_key_ref is not None:
            ref = source.secret_key_ref
            found.append(
                Reference(
                    "Secret",
                    ref.name,
                    ref.key,
                    f"spec.env[{index}].valueFrom.secretKeyRef",
                    bool(ref.optional),
                    var.name,
                )
            )
        if source.config_map_key_ref is not None:
            ref = source.config_map_key_ref
            found.append(
                Reference(
                    "ConfigMap",
                    ref.name,
                    ref.key,
                    f"spec.env[{index}].valueFrom.configMapKeyRef",
                    bool(ref.optional),
                    var.name,
                )
            )
    for index, imported in enumerate(spec.env_from or ()):
        if imported.secret_ref is not None:
            found.append(
                Reference(
                    "Secret",
                    imported.secret_ref.name,
                    None,
                    f"spec.envFrom[{index}].secretRef",
                    bool(imported.secret_ref.optional),
                )
            )
        if imported.config_map_ref is not None:
            found.append(
                Reference(
                    "ConfigMap",
                    imported.config_map_ref.name,
                    None,
                    f"spec.envFrom[{index}].configMapRef",
                    bool(imported.config_map_ref.optional),
                )
            )
    return found


def all_references(spec: api.PanelAppSpec) -> list[Reference]:
    return secret_references(spec) + user_references(spec)


def _secret_env(name: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def secret_env(spec: api.PanelAppSpec, child_names: names.ChildNames) -> list[dict[str, Any]]:
    """Variables read from Secrets. Without a referenced Django key, the generated one is used."""
    env = []
    if spec.django.secret_key_secret_ref is None:
        env.append(_secret_env("SECRET_KEY", child_names.generated_secret, names.GENERATED_SECRET_KEY_KEY))
    for ref in secret_references(spec):
        env.append(_secret_env(ref.env_name or "", ref.name, ref.key or ""))
    return env


def gunicorn_env(gunicorn: api.GunicornSpec) -> list[dict[str, Any]]:
    """GUNICORN_<SETTING> variables of the web container (the image maps them onto gunicorn)."""
    settings: dict[str, Any] = {
        "workers": gunicorn.workers,
        "threads": gunicorn.threads,
        "timeout": gunicorn.timeout,
        "graceful_timeout": gunicorn.graceful_timeout,
        "keepalive": gunicorn.keepalive,
    }
    settings.update(sorted((gunicorn.extra or {}).items()))
    return [
        {"name": f"GUNICORN_{setting.upper()}", "value": str(value)}
        for setting, value in settings.items()
        if value is not None
    ]


def user_env(spec: api.PanelAppSpec) -> list[dict[str, Any]]:
    return [var.model_dump(by_alias=True, exclude_none=True) for var in spec.env or ()]


def merge_env(rendered: list[dict[str, Any]], overrides: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rendered variables, with same-named user variables replacing them in place and new ones
    appended. Names must be unique: server-side apply merges env by name and refuses duplicates."""
    by_name: dict[str, dict[str, Any]] = {}
    for var in overrides:  # the last of duplicate user entries wins, as in a pod spec
        by_name[var["name"]] = var
    merged = [by_name.pop(var["name"], var) for var in rendered]
    merged.extend(by_name.values())
    return merged
