"""Template context shared by every page."""

from django.conf import settings


def use_cognito(request):
    """Templates hide the local login and registration when Cognito does the login (as PanelApp)."""
    return {"use_cognito": settings.AWS_USE_COGNITO}
