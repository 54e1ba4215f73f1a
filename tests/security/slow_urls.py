"""A route whose one statement takes longer than the timeout under test (test_statement_timeout)."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path


def slow(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(request.GET.get("seconds", "3"))])
    return HttpResponse("finished")


urlpatterns = [path("slow/", slow), path("api/slow/", slow)]
