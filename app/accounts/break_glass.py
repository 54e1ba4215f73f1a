"""The admin login page when Cognito does the login: absent, or the documented break-glass.

With Cognito on, nobody logs in with a local password: the admin's own login page would otherwise
be a password form anyone can try. When Cognito itself is unavailable, AWS_COGNITO_BREAK_GLASS=true
opens this page to superusers only (made with ``panelapp-manage createsuperuser``), until it is
turned off again. Staff who log in through Cognito reach the admin without this page.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404

from .views import COGNITO_MESSAGE


class SuperuserAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError("Only superusers may log in here while Cognito is on.", code="invalid_login")


def admin_login(request, extra_context=None):
    if not settings.AWS_USE_COGNITO:
        return admin.site.login(request, extra_context)
    if not settings.AWS_COGNITO_BREAK_GLASS:
        raise Http404(COGNITO_MESSAGE)
    context = {
        **admin.site.each_context(request),
        "title": "Break-glass login",
        "app_path": request.get_full_path(),
        "next": request.GET.get("next", ""),
    }
    view = auth_views.LoginView.as_view(
        authentication_form=SuperuserAuthenticationForm, template_name="admin/login.html", extra_context=context
    )
    return view(request)
