from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .views import local_accounts_only as local

app_name = "accounts"
# local(...): these pages answer 404 when Cognito does the login (views.local_accounts_only).
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=getattr(settings, "LOGOUT_REDIRECT_URL", None) or "home"),
        name="logout",
    ),
    path("registration/", local(views.RegisterView.as_view()), name="register"),
    path("registration/done/", local(views.RegisteredView.as_view()), name="registered"),
    path("verify_email/<str:b64_email>/<str:token>/", local(views.VerifyEmailView.as_view()), name="verify_email"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/token/", views.RegenerateTokenView.as_view(), name="regenerate_token"),
    path(
        "change_password/",
        local(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/password_form.html", success_url=reverse_lazy("accounts:profile")
            )
        ),
        name="change_password",
    ),
    path(
        "password_reset/",
        local(
            auth_views.PasswordResetView.as_view(
                template_name="accounts/password_form.html",
                email_template_name="accounts/password_reset_email.txt",
                success_url=reverse_lazy("accounts:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        local(auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        local(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_form.html", success_url=reverse_lazy("accounts:login")
            )
        ),
        name="password_reset_confirm",
    ),
]
