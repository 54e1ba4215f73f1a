"""The two operational endpoints, answered before the rest of the middleware stack.

``GET /version/`` is the kubelet's probe: it costs no database query and no session lookup, and it
answers whatever the Host header is (kubelet probes use the pod IP, which ALLOWED_HOSTS does not
and should not list). ``/health/`` checks the dependencies (runtime.health). ``/health/1/`` and
``/ping/1/`` are the same two answers in the shapes Genomics England's PanelApp gives them.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse

from runtime import contract, health
from runtime.version import VERSION


def version_view(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return JsonResponse({"version": VERSION})


def health_view(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not health.token_is_valid(request):
        # Without the token: the process answers, and nothing else is touched. Each check opens a
        # database, S3, SQS and SMTP connection, which anyone could otherwise repeat at will.
        response = JsonResponse({"status": "OK"})
        response["Cache-Control"] = "no-store"
        return response
    report = health.run_checks()
    response = JsonResponse(report.as_json(details=True), status=200 if report.ok else 503)
    response["Cache-Control"] = "no-store"
    return response


def health_v1_view(request: HttpRequest) -> HttpResponse:
    """PanelApp's ``/health/1/``: 503 when DOWN; ``dependencies`` only with the token; ``?skip=a,b``."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    skip = {name.strip() for name in request.GET.get("skip", "").split(",") if name.strip()}
    names = [name for name in settings.HEALTH_CHECKS if name not in skip]
    details = health.token_is_valid(request)
    report = health.run_checks(names) if details else health.recent_checks(names)
    body = health.service_report(report, request, details=details)
    response = JsonResponse(body, status=503 if body["status"] == health.DOWN else 200)
    response["Cache-Control"] = "no-store"
    return response


def ping_view(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return JsonResponse({"ping": "pong"})


class ProbeMiddleware:
    """Short-circuits the probe paths; everything else goes down the normal stack."""

    ROUTES = {
        contract.VERSION_PATH: version_view,
        contract.HEALTH_PATH: health_view,
        contract.HEALTH_V1_PATH: health_v1_view,
        contract.PING_PATH: ping_view,
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.ROUTES.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)
