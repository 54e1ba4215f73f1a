"""Response headers and the HTTPS redirect of the production settings (docker-aws).

Django's SecurityMiddleware sends HSTS, nosniff, Referrer-Policy and COOP; this module adds the
two things it does not do the way PanelApp is deployed:

* a Content-Security-Policy (Django 5.2 has none): scripts only from the site itself or its
  static domain, no inline script, no plugins, no framing;
* the redirect to https for requests that reached the load balancer over plain HTTP. TLS ends at
  the ALB, which says how the client came in X-Forwarded-Proto. Requests without that header
  are not from the ALB (kubelet probes, in-cluster callers) and are served as they come, which
  Django's own SECURE_SSL_REDIRECT (it redirects whatever is not https) cannot do.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponsePermanentRedirect


def content_security_policy(static_origins: tuple[str, ...] = (), form_origins: tuple[str, ...] = ()) -> str:
    """The policy for PanelApp's pages and the Swagger UI at /api/docs/.

    Styles may be inline (style attributes in the templates, Swagger UI's own <style>): a style
    cannot run code. ``form_origins``: where forms may lead, e.g. the Cognito logout redirect.
    """
    static = " ".join(static_origins)
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' {static}",
        "style-src": f"'self' 'unsafe-inline' {static}",
        "img-src": f"'self' data: {static}",
        "font-src": f"'self' {static}",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": " ".join(("'self'", *form_origins)),
    }
    return "; ".join(f"{name} {' '.join(value.split())}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class ForwardedHttpsRedirectMiddleware:
    """301 to https when the ALB says the client used plain HTTP (SECURE_SSL_REDIRECT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forwarded = request.META.get("HTTP_X_FORWARDED_PROTO", "")
        # A chain of proxies appends; the first entry is how the client came in.
        if getattr(settings, "PANELAPP_SSL_REDIRECT", False) and forwarded.split(",")[0].strip().lower() == "http":
            return HttpResponsePermanentRedirect(f"https://{request.get_host()}{request.get_full_path()}")
        return self.get_response(request)
