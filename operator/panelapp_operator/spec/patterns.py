"""Patterns and reusable field types of the PanelApp API.

Every pattern is RE2-compatible, so the CRD's OpenAPI schema and the operator's own validation use
the same expression; PATTERN_MEANINGS turns a mismatch into a message a person can act on.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import WithJsonSchema

DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
SECRET_KEY_NAME = r"^[-._a-zA-Z0-9]+$"
# Registry host (optional, with port), repository path, then tag and/or digest. RE2-compatible so
# the same pattern works in the CRD.
IMAGE_REFERENCE = (
    r"^([a-zA-Z0-9][a-zA-Z0-9.-]*(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*"
    r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$"
)
IMAGE_HAS_TAG_OR_DIGEST = r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$"
# S3 bucket naming rules: 3-63 characters of lowercase letters, digits, dots and hyphens, starting
# and ending with a letter or digit ("..": refused by a rule below, RE2 has no lookahead).
S3_BUCKET = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
# AWS region names: eu-west-2, us-gov-west-1, cn-north-1, us-isob-east-1, ...
AWS_REGION = r"^[a-z]{2}(-gov|-iso[a-z]{0,2})?-[a-z]+-[0-9]{1,2}$"
# A bare host name (optionally with a port) as used for CDN domains: no scheme, no trailing slash.
HOST_NAME = r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$"
URL = r"^https?://[^\s/?#]+(/[^\s]*)?$"
# An SQS queue URL: endpoint, 12-digit account, queue name (as TASK_QUEUE_NAME allows).
SQS_QUEUE_URL = r"^https?://[^\s/?#]+/[0-9]{12}/[A-Za-z0-9_-]{1,80}(\.fifo)?$"
# A Prometheus duration as the Prometheus Operator accepts it, e.g. 30s, 1m, 1m30s.
PROMETHEUS_DURATION = r"^(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$"
ENV_NAME = r"^[-._a-zA-Z][-._a-zA-Z0-9]*$"
ARN = r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:.+$"
# A load balancer ARN, or a prefix of one (ending in *) that names at least the account and region.
ALB_ARN = r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/([^*\s]+/[^*\s/]+|[^*\s]*\*)$"

# What the patterns above mean, for error messages a person can act on.
PATTERN_MEANINGS = {
    DNS_SUBDOMAIN: "a DNS subdomain name (lowercase letters, digits, '-' and '.')",
    SECRET_KEY_NAME: "a Secret key (letters, digits, '-', '_' and '.')",
    IMAGE_REFERENCE: "an image reference such as registry.example.org/panelapp:1.2.3",
    S3_BUCKET: "an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending "
    "with a letter or digit",
    AWS_REGION: "an AWS region such as eu-west-2",
    HOST_NAME: "a bare host name such as cdn.example.org (no scheme, no path, no trailing slash)",
    URL: "an http(s) URL such as https://panelapp.example.org",
    ARN: "an AWS ARN (arn:aws:...)",
    SQS_QUEUE_URL: "an SQS queue URL such as https://sqs.eu-west-2.amazonaws.com/123456789012/panelapp",
    PROMETHEUS_DURATION: "a duration such as 30s, 1m or 1m30s",
    ALB_ARN: "a load balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>) "
    "or a prefix of one naming the account and region, ending in *",
}

IntOrString = Annotated[
    int | str,
    WithJsonSchema({"x-kubernetes-int-or-string": True}),
]
Quantity = Annotated[
    int | str,
    WithJsonSchema(
        {
            "x-kubernetes-int-or-string": True,
            # Kubernetes' own quantity grammar: 250m, 0.5, 512Mi, 1e3, ...
            "pattern": r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))"
            r"(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$",
        }
    ),
]


def has_tag_or_digest(image: str) -> bool:
    return re.search(IMAGE_HAS_TAG_OR_DIGEST, image) is not None
