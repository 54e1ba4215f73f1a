"""PanelApp resources the operator tests build on."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

IMAGE = "ghcr.io/panelapp-operator/panelapp:0.1.0"
NEXT_IMAGE = "ghcr.io/panelapp-operator/panelapp:0.2.0"

# Distinctive values planted in Secrets, so a test can prove they leak nowhere.
DB_PASSWORD = "db-pw-Zq7Tx91kWm"
SMTP_PASSWORD = "smtp-pw-Hv3Lr88Pq"


# The queue of minimal_spec (name panelapp) as a URL, for queue autoscaling.
QUEUE_URL = "https://sqs.eu-west-2.amazonaws.com/123456789012/panelapp"


def minimal_spec(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "image": IMAGE,
        "allowedHosts": ["panelapp.example.org"],
        "baseURL": "https://panelapp.example.org",
        "aws": {"region": "eu-west-2"},
        "storage": {
            "staticBucket": "example-panelapp-static",
            "mediaBucket": "example-panelapp-media",
            "staticDomain": "static.panelapp.example.org",
            "mediaDomain": "media.panelapp.example.org",
        },
        "database": {
            "host": "db.example.internal",
            "user": "panelapp",
            "passwordSecretRef": {"name": "panelapp-database", "key": "password"},
        },
        "email": {
            "host": "email-smtp.eu-west-2.amazonaws.com",
            "fromAddress": "panelapp@example.org",
            "panelappAddress": "panelapp-team@example.org",
        },
    }
    spec.update(copy.deepcopy(overrides))
    return spec


def resource(name: str = "panelapp", namespace: str | None = None, spec: dict[str, Any] | None = None) -> dict:
    metadata: dict[str, Any] = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    return {
        "apiVersion": "panelapp.org/v1alpha1",
        "kind": "PanelApp",
        "metadata": metadata,
        "spec": spec if spec is not None else minimal_spec(),
    }


def example_documents(name: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all((EXAMPLES / name).read_text()) if doc]


def example_panelapp(name: str) -> dict[str, Any]:
    return next(doc for doc in example_documents(name) if doc["kind"] == "PanelApp")


def set_path(document: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """A deep copy of `document` with the field at a dotted path replaced (or removed for ...)."""
    result = copy.deepcopy(document)
    node = result
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if value is ...:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value
    return result


# Bad input the schema (CRD) and the operator (pydantic) must both refuse, naming the field:
# (case id, field -> new value (... removes it), field path named in the error, words in the message).
BAD_INPUTS: list[tuple[str, dict[str, Any], str, str]] = [
    ("missing-storage", {"storage": ...}, "spec.storage", ""),
    ("missing-database", {"database": ...}, "spec.database", ""),
    ("missing-email-from", {"email.fromAddress": ...}, "spec.email.fromAddress", ""),
    ("empty-allowed-hosts", {"allowedHosts": []}, "spec.allowedHosts", ""),
    ("malformed-bucket", {"storage.staticBucket": "Panel_App"}, "spec.storage.staticBucket", ""),
    ("bucket-with-double-dot", {"storage.mediaBucket": "panel..app"}, "spec.storage.mediaBucket", "adjacent dots"),
    ("malformed-region", {"aws.region": "europe-west"}, "spec.aws.region", ""),
    (
        "visibility-timeout-above-range",
        {"queue.visibilityTimeoutSeconds": 43201},
        "spec.queue.visibilityTimeoutSeconds",
        "",
    ),
    (
        "visibility-timeout-below-range",
        {"queue.visibilityTimeoutSeconds": -1},
        "spec.queue.visibilityTimeoutSeconds",
        "",
    ),
    (
        "database-url-and-parts",
        {"database.urlSecretRef": {"name": "panelapp-database", "key": "url"}},
        "spec.database.urlSecretRef",
        "not both",
    ),
    ("database-without-host", {"database.host": ...}, "spec.database.host", "exactly one of host"),
    ("image-without-tag", {"image": "ghcr.io/panelapp-operator/panelapp"}, "spec.image", "tag or a digest"),
    (
        "secret-as-plain-env",
        {"env": [{"name": "SECRET_KEY", "value": "plain"}]},
        "spec.env[0].value",
        "must come from a Secret",
    ),
    (
        "omim-key-as-plain-env",
        {"env": [{"name": "MOI_CHECK_HOUR", "value": "5"}, {"name": "OMIM_API_KEY", "value": "plain"}]},
        "spec.env[1].value",
        "must come from a Secret",
    ),
    (
        "cognito-without-client-id",
        {"cognito": {"enabled": True, "domainPrefix": "panelapp"}},
        "spec.cognito.domainPrefix",
        "userPoolClientID",
    ),
    (
        "autoscaling-min-above-max",
        {"web.autoscaling": {"enabled": True, "minReplicas": 5, "maxReplicas": 2}},
        "spec.web.autoscaling.minReplicas",
        "must not exceed",
    ),
    (
        "smtp-user-without-password",
        {"email.userSecretRef": {"name": "smtp", "key": "user"}},
        "spec.email.userSecretRef",
        "both",
    ),
    (
        "component-image-without-tag",
        {"worker.image": "registry.example.org/panelapp-worker"},
        "spec.worker.image",
        "tag or a digest",
    ),
    ("empty-migration-command", {"migrations.command": []}, "spec.migrations.command", ""),
    ("unknown-migration-strategy", {"migrations.strategy": "Offline"}, "spec.migrations.strategy", ""),
    ("empty-maintenance-message", {"maintenance.message": ""}, "spec.maintenance.message", ""),
    ("metrics-port-below-range", {"metrics": {"enabled": True, "port": 80}}, "spec.metrics.port", ""),
    ("metrics-on-the-web-port", {"metrics": {"enabled": True, "port": 8080}}, "spec.metrics.port", "web server"),
    (
        "pod-monitor-without-metrics",
        {"metrics": {"podMonitor": {"enabled": True}}},
        "spec.metrics.podMonitor",
        "needs enabled: true",
    ),
    (
        "pod-monitor-bad-interval",
        {"metrics": {"enabled": True, "podMonitor": {"enabled": True, "interval": "half a minute"}}},
        "spec.metrics.podMonitor.interval",
        "",
    ),
    (
        "queue-url-of-another-queue",
        {"queue.url": "https://sqs.eu-west-2.amazonaws.com/123456789012/other"},
        "spec.queue.url",
        "must end with /<name>",
    ),
    ("queue-url-malformed", {"queue.url": "sqs://panelapp"}, "spec.queue.url", ""),
    (
        "queue-autoscaling-without-queue-url",
        {"worker.autoscaling": {"queue": {"enabled": True}}},
        "spec.queue.url",
        "needs queue.url",
    ),
    (
        "queue-and-cpu-autoscaling",
        {"queue.url": QUEUE_URL, "worker.autoscaling": {"enabled": True, "queue": {"enabled": True}}},
        "spec.worker.autoscaling.queue",
        "exclude each other",
    ),
    (
        "queue-autoscaling-min-above-max",
        {
            "queue.url": QUEUE_URL,
            "worker.autoscaling": {"queue": {"enabled": True, "minReplicas": 4, "maxReplicas": 2}},
        },
        "spec.worker.autoscaling.queue.minReplicas",
        "must not exceed",
    ),
    (
        "queue-autoscaling-zero-messages-per-worker",
        {"queue.url": QUEUE_URL, "worker.autoscaling": {"queue": {"enabled": True, "messagesPerWorker": 0}}},
        "spec.worker.autoscaling.queue.messagesPerWorker",
        "",
    ),
    (
        "queue-autoscaling-bad-trigger-authentication",
        {"worker.autoscaling": {"queue": {"authentication": {"triggerAuthenticationName": "Not_A_Name"}}}},
        "spec.worker.autoscaling.queue.authentication.triggerAuthenticationName",
        "",
    ),
]


def bad_spec(changes: dict[str, Any]) -> dict[str, Any]:
    spec = minimal_spec()
    for dotted, value in changes.items():
        spec = set_path(spec, dotted, value)
    return spec
