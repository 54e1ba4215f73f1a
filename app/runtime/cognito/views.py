"""The explicit Cognito logout: end the Django session and the ALB session, then leave via Cognito."""

from django.conf import settings
from django.contrib import auth
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from runtime.cognito.middleware import alb_logout_response


# POST only, like Django's LogoutView: a GET would let any page log the user out.
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if not settings.AWS_USE_COGNITO:
        raise Http404("Cognito login is not enabled")
    auth.logout(request)
    return alb_logout_response(request)
