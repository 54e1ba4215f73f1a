"""Every user gets a reviewer profile and an API token as soon as it exists."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from runtime.cognito.middleware import cognito_user_created

from .models import Reviewer
from .tasks import reviewer_confirmation_request_email


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile_and_token(sender, instance, created, **kwargs):
    if not created:
        return
    # Superusers run the site, so they are curators (as `createsuperuser` does in PanelApp).
    user_type = Reviewer.Types.GEL if instance.is_superuser else Reviewer.Types.EXTERNAL
    Reviewer.objects.get_or_create(user=instance, defaults={"user_type": user_type})
    Token.objects.get_or_create(user=instance)


@receiver(cognito_user_created, dispatch_uid="accounts.cognito_reviewer_request")
def request_review(sender, user, **kwargs):
    """First Cognito login of a new user: ask the curators to approve them as a reviewer."""
    transaction.on_commit(lambda: reviewer_confirmation_request_email.delay(user.pk))
