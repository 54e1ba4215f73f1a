"""The two operational endpoints, answered before the rest of the middleware stack.

``GET /version/`` is the kubelet's probe: it costs no database query and no session lookup, and it
answers whatever the Host header is (kubelet probes use the pod IP, which ALLOWED_HOSTS does not
and should not list). ``/health/`` checks the dependencies (runtime.health).
"""

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


class ProbeMiddleware:
    """Short-circuits the probe paths; everything else goes down the normal stack."""

    ROUTES = {contract.VERSION_PATH: version_view, contract.HEALTH_PATH: health_view}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.ROUTES.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)
