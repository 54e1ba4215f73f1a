"""Registration, email verification and the profile page (with the API token)."""

from functools import wraps
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, TemplateView
from rest_framework.authtoken.models import Token

from . import tasks, verification
from .forms import RegistrationForm
from .models import User

COGNITO_MESSAGE = "This site logs in through Cognito: local accounts and passwords are not used."


def local_accounts_only(view):
    """The local account pages (registration, passwords, email verification) do not exist when
    Cognito does the login: hiding the links is not enough, as anyone can POST to them (password
    guessing, accounts that bypass Cognito, or an address registered ahead of its owner)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.AWS_USE_COGNITO:
            raise Http404(COGNITO_MESSAGE)
        return view(request, *args, **kwargs)

    return wrapped


def login_view(request, *args, **kwargs):
    """The password login; with Cognito, the path the ALB authenticates: a logged-in user is sent
    on, and there is no password form to post to."""
    if not settings.AWS_USE_COGNITO:
        view = auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True)
        return view(request, *args, **kwargs)
    if not request.user.is_authenticated:
        raise Http404(COGNITO_MESSAGE)
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if safe and target else settings.LOGIN_REDIRECT_URL)


class RegisterView(FormView):
    template_name = "accounts/register.html"
    form_class = RegistrationForm
    success_url = reverse_lazy("accounts:registered")

    def form_valid(self, form):
        if getattr(form, "email_taken", False):
            # The same answer as a new registration; the address's owner learns of the attempt.
            email = form.cleaned_data["email"]
            transaction.on_commit(lambda: tasks.existing_account_email.delay(email))
            return super().form_valid(form)
        with transaction.atomic():
            user = form.save()
            transaction.on_commit(lambda: tasks.registration_email.delay(user.pk))
            transaction.on_commit(lambda: tasks.reviewer_confirmation_request_email.delay(user.pk))
        return super().form_valid(form)


class RegisteredView(TemplateView):
    template_name = "accounts/registered.html"


class VerifyEmailView(View):
    def get(self, request, b64_email, token):
        try:
            user_id, email = verification.verified_user_id(b64_email, token)
        except verification.Expired:
            expired_id = verification.expired_link_user_id(token)
            if expired_id is not None and User.objects.filter(pk=expired_id, is_active=False).exists():
                tasks.registration_email.delay(expired_id)
            messages.warning(request, "This link has expired. We have sent you a new one.")
            return redirect("accounts:login")
        except verification.Invalid:
            return render(request, "accounts/verify_failed.html", status=400)
        user = User.objects.filter(pk=user_id, email=email).first()
        if user is None:
            return render(request, "accounts/verify_failed.html", status=400)
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active", "modified"])
        messages.success(request, "Your email address is confirmed. You can now log in.")
        return redirect("accounts:login")


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        # The user's reviews are panels' to read: the template's {% evaluations_of %} tag (from
        # panels' tag library) lists them, so that accounts, below panels, imports nothing of it.
        context = super().get_context_data(**kwargs)
        # LoginRequiredMixin: only a signed-in user gets here, never AnonymousUser.
        user = cast(User, self.request.user)
        context["token"], _ = Token.objects.get_or_create(user=user)
        context["reviewer"] = user.reviewer
        return context


class RegenerateTokenView(LoginRequiredMixin, View):
    """A new API token replaces the old one at once (for a token that may have leaked)."""

    def post(self, request):
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            Token.objects.create(user=request.user)
        messages.success(request, "You have a new API token; the old one no longer works.")
        return redirect("accounts:profile")
