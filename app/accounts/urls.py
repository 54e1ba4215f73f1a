from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True), name="login"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=getattr(settings, "LOGOUT_REDIRECT_URL", None) or "home"),
        name="logout",
    ),
    path("registration/", views.RegisterView.as_view(), name="register"),
    path("registration/done/", views.RegisteredView.as_view(), name="registered"),
    path("verify_email/<str:b64_email>/<str:token>/", views.VerifyEmailView.as_view(), name="verify_email"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/token/", views.RegenerateTokenView.as_view(), name="regenerate_token"),
    path(
        "change_password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_form.html", success_url=reverse_lazy("accounts:profile")
        ),
        name="change_password",
    ),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_form.html",
            email_template_name="accounts/password_reset_email.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_form.html", success_url=reverse_lazy("accounts:login")
        ),
        name="password_reset_confirm",
    ),
]
