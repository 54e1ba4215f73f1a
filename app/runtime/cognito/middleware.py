"""Log users in from the ALB's Cognito headers, and log them out of the ALB too.

Installed (after AuthenticationMiddleware) only when AWS_USE_COGNITO is true. Behaviour:

* A request carrying all three ``x-amzn-oidc-*`` headers has its data token verified
  (runtime.cognito.tokens). A token that fails verification is refused with 401 and a log line
  naming the reason; it never reaches a view and never logs anyone in.
* A verified identity logs the user in by email, creating the user on the first login, unless the
  session already belongs to that user (then nothing is written).
* When a request ends a logged-in session (any logout view), the response becomes a redirect to
  the Cognito logout endpoint that also expires the ALB's session cookies; otherwise the ALB
  would log the user straight back in.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import auth
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from runtime.cognito.tokens import AlbIdentity, AlbTokenVerifier, TokenRejected

logger = logging.getLogger("panelapp.cognito")

#: Sent once, when the first login of a new user created them (``sender`` is the User class,
#: ``user`` the new user). The accounts app connects its reviewer-profile creation and the email
#: to the curators here.
cognito_user_created = Signal()

_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def alb_session_cookie_names(request: HttpRequest) -> list[str]:
    prefix = settings.AWS_ELB_SESSION_COOKIE_PREFIX
    return [name for name in request.COOKIES if name.startswith(prefix)]


def alb_logout_response(request: HttpRequest) -> HttpResponse:
    """Redirect to the Cognito logout endpoint and expire every ALB session cookie."""
    response = HttpResponseRedirect(settings.AWS_COGNITO_IDP_LOGOUT_ENDPOINT)
    for name in alb_session_cookie_names(request):
        response.delete_cookie(name)
    return response


def refused(reason: str) -> HttpResponse:
    return HttpResponse(f"Authentication failed: {reason}.\n", status=401, content_type="text/plain")


class AlbAuthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.verifier = AlbTokenVerifier(
            key_endpoint=settings.AWS_ELB_PUBLIC_KEY_ENDPOINT,
            algorithm=settings.AWS_JWT_SIGNATURE_ALGORITHM,
            sections=settings.AWS_JWT_SECTIONS,
            client_id=settings.AWS_COGNITO_USER_POOL_CLIENT_ID,
            signers=tuple(settings.AWS_ALB_ARNS),
            issuer=settings.AWS_COGNITO_ISSUER,
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_oidc_headers(request):
            try:
                identity = self.verifier.verify(request.META[settings.AWS_AMZN_OIDC_DATA])
            except TokenRejected as rejection:
                logger.warning("refused ALB token on %s %s: %s", request.method, request.path, rejection.reason)
                return refused(rejection.reason)
            problem = self._log_in(request, identity)
            if problem is not None:
                return problem
        # Touch the session only for browsers that hold ALB cookies (probes and API clients don't).
        had_alb_session = bool(alb_session_cookie_names(request))
        was_authenticated = had_alb_session and request.user.is_authenticated
        response = self.get_response(request)
        if was_authenticated and not request.user.is_authenticated:
            return alb_logout_response(request)
        return response

    @staticmethod
    def _has_oidc_headers(request: HttpRequest) -> bool:
        meta = request.META
        return (
            settings.AWS_AMZN_OIDC_ACCESS_TOKEN in meta
            and settings.AWS_AMZN_OIDC_IDENTITY in meta
            and settings.AWS_AMZN_OIDC_DATA in meta
        )

    def _log_in(self, request: HttpRequest, identity: AlbIdentity) -> HttpResponse | None:
        current = request.user
        if current.is_authenticated and (current.email or "").lower() == identity.email.lower():
            return None  # the session already belongs to this user: no write
        if current.is_authenticated:
            auth.logout(request)  # another user's session: never let it survive a different identity
        if not identity.email_verified:
            # An address the user pool has not verified (self sign-up) could be anyone's: it must
            # neither open an existing account nor create one that its real owner would later share.
            logger.warning("refused ALB login with an unverified email address")
            return HttpResponse(
                "Your email address is not verified with the identity provider yet: verify it "
                "there, then log in again.\n",
                status=403,
                content_type="text/plain",
            )
        user, created = find_or_create_user(identity)
        if not user.is_active and user.last_login is None and user.has_usable_password() and not created:
            # A local registration never verified nor used (or squatted by someone who registered
            # this address first): the verified owner takes it over, and the password set at
            # registration, possibly by someone else, stops working. An account disabled by the
            # curators after use (last_login set) stays disabled.
            user.is_active = True
            user.set_unusable_password()
            user.save(update_fields=["is_active", "password"])
            logger.info("ALB login took over never-used local account %s", user.pk)
        if not user.is_active:
            logger.warning("refused ALB login of disabled user %s", user.pk)
            return HttpResponse("This account is disabled.\n", status=403, content_type="text/plain")
        auth.login(request, user, backend=_MODEL_BACKEND)
        logger.info("ALB login of user %s%s", user.pk, " (created)" if created else "")
        if created:
            cognito_user_created.send(sender=type(user), user=user, request=request)
        return None


def find_or_create_user(identity: AlbIdentity):
    """The user with this email (case-insensitive), created with username = email if new."""
    User = auth.get_user_model()
    user = User.objects.filter(email__iexact=identity.email).first()
    created = False
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=identity.email[:150],
                    email=identity.email,
                    first_name=identity.given_name,
                    last_name=identity.family_name,
                )
                user.set_unusable_password()  # Cognito owns the password
                user.save(update_fields=["password"])
                created = True
        except IntegrityError:
            # Two first requests raced (the browser loads several resources at once): use the winner's.
            user = User.objects.get(email__iexact=identity.email)
    changed = {}
    if identity.given_name and user.first_name != identity.given_name:
        changed["first_name"] = identity.given_name
    if identity.family_name and user.last_name != identity.family_name:
        changed["last_name"] = identity.family_name
    if changed and not created:
        for field, value in changed.items():
            setattr(user, field, value)
        user.save(update_fields=list(changed))
    return user, created
