"""How PanelApp is reached: the Service, the optional Ingress (with the AWS Load Balancer
Controller's settings) and the optional NetworkPolicy."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from panelapp_operator.rules import SpecModel
from panelapp_operator.spec.core import NetworkPolicyPeer
from panelapp_operator.spec.patterns import ARN, DNS_SUBDOMAIN


class ServiceSpec(SpecModel):
    """The Service in front of the web pods."""

    type: Literal["ClusterIP", "NodePort", "LoadBalancer"] = Field(default="ClusterIP", description="Service type.")
    port: int = Field(default=80, ge=1, le=65535, description="Service port (the pods listen on 8080).")
    annotations: dict[str, str] | None = Field(default=None, description="Annotations of the Service.")


class AlbSpec(SpecModel):
    """First-class settings of the AWS Load Balancer Controller, rendered as its annotations."""

    scheme: Literal["internet-facing", "internal"] = Field(default="internet-facing", description="ALB scheme.")
    certificate_arn: str | None = Field(
        default=None,
        max_length=2048,
        pattern=ARN,
        description="ACM certificate; enables HTTPS on 443 with a redirect from 80.",
    )
    group_name: str | None = Field(
        default=None,
        max_length=63,
        pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        description="IngressGroup to share one ALB. With Cognito, defaults to <namespace>-<name> so the login "
        "rule and the main rule share the ALB.",
    )
    target_type: Literal["ip", "instance"] = Field(default="ip", description="How the ALB reaches pods.")
    waf_acl: str | None = Field(
        default=None, max_length=2048, pattern=ARN, description="ARN of a WAFv2 web ACL to attach to the ALB."
    )


class IngressTls(SpecModel):
    """TLS of the Ingress for controllers that terminate TLS themselves (not needed with an ALB
    certificateARN)."""

    secret_name: str = Field(
        description="Secret holding the certificate and key.", max_length=253, pattern=DNS_SUBDOMAIN
    )


class IngressSpec(SpecModel):
    """The optional Ingress for the web Service."""

    enabled: bool = Field(default=False, description="Create the Ingress.")
    class_name: str | None = Field(
        default=None, max_length=253, description="IngressClass. Defaults to alb when alb is set."
    )
    host: str | None = Field(
        default=None,
        max_length=253,
        pattern=r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        description="Host name routed to PanelApp. Defaults to the first entry of allowedHosts.",
    )
    annotations: dict[str, str] | None = Field(
        default=None, description="Extra annotations of the Ingress; they win over the rendered ones."
    )
    tls: IngressTls | None = Field(default=None, description="TLS Secret for the host.")
    alb: AlbSpec | None = Field(default=None, description="AWS Load Balancer Controller settings.")


class NetworkPolicySpec(SpecModel):
    """An optional NetworkPolicy: web accepts traffic on 8080 only (from ingressFrom peers if given);
    worker and beat accept none. Egress stays open (database, SMTP and AWS endpoints are outside)."""

    enabled: bool = Field(default=False, description="Create the NetworkPolicy.")
    ingress_from: list[NetworkPolicyPeer] | None = Field(
        default=None, description="Peers allowed to reach web (networking/v1 NetworkPolicyPeers). Default: all."
    )
