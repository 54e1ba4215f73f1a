"""Requests no route can answer sensibly are refused once, before routing: a 400 that says why.

A NUL character is in no PanelApp name or parameter, and PostgreSQL text cannot hold one: left
to the views, it reached a query and was a 500 on PostgreSQL (e.g. ``/panels/1/gene/a%00b/``).
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse

NUL_MESSAGE = "Requests may not contain NUL characters."


def is_api_path(path: str) -> bool:
    return path.startswith(("/api/", "/WebServices/"))


def bad_request(request, message: str) -> HttpResponse:
    if is_api_path(request.path_info):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path_info, *(v for _, vs in request.GET.lists() for v in vs)]
        if any("\x00" in value for value in values):
            return bad_request(request, NUL_MESSAGE)
        return self.get_response(request)
