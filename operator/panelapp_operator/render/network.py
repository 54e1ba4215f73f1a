"""Service, Ingresses (with AWS Load Balancer Controller settings and the Cognito login rule) and
NetworkPolicy."""

from __future__ import annotations

import json
from typing import Any

from panelapp_operator import names
from panelapp_operator import spec as api
from panelapp_operator.render.context import RenderInput
from panelapp_operator.render.workloads import METRICS_PORT_NAME, PROBE_PATH, WEB_PORT

ALB = "alb.ingress.kubernetes.io"
LOGIN_PATH = "/accounts/login/"
DEFAULT_SESSION_COOKIE = "AWSELBAuthSessionCookie"
# Within an IngressGroup, lower orders are evaluated first: the login rule must win over "/".
LOGIN_GROUP_ORDER = "10"
MAIN_GROUP_ORDER = "20"


def render_service(inp: RenderInput) -> dict[str, Any]:
    service = inp.spec.service
    metadata = inp.metadata(inp.names.service, names.COMPONENT_WEB)
    if service.annotations:
        metadata["annotations"] = dict(service.annotations)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": {
            "type": service.type,
            "selector": names.selector_labels(inp.name, names.COMPONENT_WEB),
            "ports": [{"name": "http", "port": service.port, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def ingress_host(spec: api.PanelAppSpec) -> str:
    return spec.ingress.host or spec.allowed_hosts[0]


def alb_group_name(inp: RenderInput) -> str | None:
    alb = inp.spec.ingress.alb
    if alb is not None and alb.group_name:
        return alb.group_name
    if inp.spec.cognito.enabled:
        # The login rule lives on a second Ingress; both must share one ALB.
        return f"{inp.namespace}-{inp.name}"[:63].strip("-.")
    return None


def _alb_annotations(inp: RenderInput, order: str) -> dict[str, str]:
    alb = inp.spec.ingress.alb
    if alb is None:
        return {}
    annotations = {
        f"{ALB}/scheme": alb.scheme,
        f"{ALB}/target-type": alb.target_type,
        f"{ALB}/healthcheck-path": PROBE_PATH,
    }
    if alb.certificate_arn:
        annotations[f"{ALB}/certificate-arn"] = alb.certificate_arn
        annotations[f"{ALB}/listen-ports"] = '[{"HTTP": 80}, {"HTTPS": 443}]'
        annotations[f"{ALB}/ssl-redirect"] = "443"
    if alb.waf_acl:
        annotations[f"{ALB}/wafv2-acl-arn"] = alb.waf_acl
    group = alb_group_name(inp)
    if group:
        annotations[f"{ALB}/group.name"] = group
        annotations[f"{ALB}/group.order"] = order
    return annotations


def _ingress(inp: RenderInput, name: str, path: str, annotations: dict[str, str]) -> dict[str, Any]:
    ingress = inp.spec.ingress
    host = ingress_host(inp.spec)
    metadata = inp.metadata(name, names.COMPONENT_WEB)
    merged = {**annotations, **(ingress.annotations or {})}
    if merged:
        metadata["annotations"] = merged
    spec: dict[str, Any] = {
        "rules": [
            {
                "host": host,
                "http": {
                    "paths": [
                        {
                            "path": path,
                            "pathType": "Prefix",
                            "backend": {"service": {"name": inp.names.service, "port": {"name": "http"}}},
                        }
                    ]
                },
            }
        ],
    }
    class_name = ingress.class_name or ("alb" if ingress.alb is not None else None)
    if class_name:
        spec["ingressClassName"] = class_name
    if ingress.tls is not None:
        spec["tls"] = [{"hosts": [host], "secretName": ingress.tls.secret_name}]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": metadata, "spec": spec}


def render_ingress(inp: RenderInput) -> dict[str, Any]:
    return _ingress(inp, inp.names.ingress, "/", _alb_annotations(inp, MAIN_GROUP_ORDER))


def render_login_ingress(inp: RenderInput) -> dict[str, Any]:
    """The ALB rule that authenticates /accounts/login/ with Cognito. PanelApp then reads the
    x-amzn-oidc-* headers the ALB adds. Only rendered with Cognito and an ALB Ingress."""
    cognito = inp.spec.cognito
    annotations = _alb_annotations(inp, LOGIN_GROUP_ORDER)
    annotations.update(
        {
            f"{ALB}/auth-type": "cognito",
            f"{ALB}/auth-idp-cognito": json.dumps(
                {
                    "userPoolARN": cognito.user_pool_arn,
                    "userPoolClientID": cognito.user_pool_client_id,
                    "userPoolDomain": cognito.domain_prefix,
                },
                separators=(",", ":"),
            ),
            f"{ALB}/auth-on-unauthenticated-request": "authenticate",
            f"{ALB}/auth-scope": "openid",
            f"{ALB}/auth-session-cookie": cognito.elb_session_cookie_prefix or DEFAULT_SESSION_COOKIE,
        }
    )
    return _ingress(inp, inp.names.login_ingress, LOGIN_PATH, annotations)


def wants_login_ingress(spec: api.PanelAppSpec) -> bool:
    return spec.ingress.enabled and spec.cognito.enabled and spec.ingress.alb is not None


def default_scrapers() -> list[dict[str, Any]]:
    """Who may scrape the metrics port when metrics.scrapeFrom is unset: every pod of the
    namespace Prometheus usually runs in."""
    return [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": api.DEFAULT_SCRAPER_NAMESPACE}}}]


def render_network_policy(inp: RenderInput) -> dict[str, Any]:
    """Every pod of the instance accepts TCP 8080 only; only web listens there, so worker, beat and
    the Jobs accept nothing. With metrics, the scrapers (metrics.scrapeFrom) are let in on the
    metrics port too, which only web and worker listen on. Egress is left open: the database, SMTP
    and AWS are outside."""
    rule: dict[str, Any] = {"ports": [{"protocol": "TCP", "port": WEB_PORT}]}
    if inp.spec.network_policy.ingress_from:
        rule["from"] = list(inp.spec.network_policy.ingress_from)
    rules = [rule]
    metrics = inp.spec.metrics
    if metrics.enabled:
        scrapers = list(metrics.scrape_from) if metrics.scrape_from else default_scrapers()
        rules.append({"ports": [{"protocol": "TCP", "port": metrics.port}], "from": scrapers})
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": inp.metadata(inp.names.network_policy),
        "spec": {
            "podSelector": {"matchLabels": {names.LABEL_NAME: names.APP_NAME, names.LABEL_INSTANCE: inp.name}},
            "policyTypes": ["Ingress"],
            "ingress": rules,
        },
    }


def render_pod_monitor(inp: RenderInput) -> dict[str, Any]:
    """A Prometheus Operator PodMonitor of the web and worker pods' port named metrics. A PodMonitor
    (not a ServiceMonitor) because the workers have no Service."""
    monitor = inp.spec.metrics.pod_monitor
    metadata = inp.metadata(inp.names.pod_monitor)
    metadata["labels"] = {**(monitor.labels or {}), **metadata["labels"]}
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PodMonitor",
        "metadata": metadata,
        "spec": {
            "selector": {
                "matchLabels": {names.LABEL_NAME: names.APP_NAME, names.LABEL_INSTANCE: inp.name},
                "matchExpressions": [
                    {
                        "key": names.LABEL_COMPONENT,
                        "operator": "In",
                        "values": [names.COMPONENT_WEB, names.COMPONENT_WORKER],
                    }
                ],
            },
            "podMetricsEndpoints": [{"port": METRICS_PORT_NAME, "path": "/metrics", "interval": monitor.interval}],
        },
    }
