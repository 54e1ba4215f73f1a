"""Project routes: operations, the admin, Cognito logout, then the domain's routes.

/version/ and /health/ are normally answered by runtime.probes.ProbeMiddleware before routing;
they are routed here too so that reverse() works and they keep working without the middleware.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import include, path, re_path, register_converter

from accounts import break_glass
from accounts.roles import is_curator
from runtime import probes
from runtime.cognito import views as cognito_views
from runtime.ids import IdConverter
from runtime.media import serve_private

# <id:...> in every app's routes: ASCII digits within 64 bits, anything else is a 404 (never a
# 500 from a number the database cannot hold). Registered before the admin builds its routes.
register_converter(IdConverter, "id")

urlpatterns = [
    path("version/", probes.version_view, name="version"),
    path("health/", probes.health_view, name="health"),
    # Before the admin's own login: with Cognito on it is absent or the break-glass (accounts.break_glass).
    path(f"{settings.ADMIN_URL}login/", break_glass.admin_login, name="admin-login"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("cognito/logout/", cognito_views.logout_view, name="cognito-logout"),
]

if getattr(settings, "SERVE_FILES_FROM_DISK", False):
    # The embedded default has no CDN and no web server in front: serve static and media files
    # from disk. Production serves them from S3 behind the CDN and never takes this branch.
    urlpatterns += [
        re_path(r"^static/(?P<path>.*)$", serve_static, {"insecure": True}),
        # Uploaded files are the curators' imports: nobody else reads them (runtime.media).
        re_path(
            r"^media/(?P<path>.*)$",
            serve_private,
            {"document_root": settings.MEDIA_ROOT, "may_read": is_curator},
        ),
    ]

urlpatterns.append(path("", include("panelapp.domain_urls")))
