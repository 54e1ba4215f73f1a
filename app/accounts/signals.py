"""Every user gets a reviewer profile and an API token as soon as it exists."""
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from .models import Reviewer


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile_and_token(sender, instance, created, **kwargs):
    if not created:
        return
    # Superusers run the site, so they are curators (as `createsuperuser` does in PanelApp).
    user_type = Reviewer.Types.GEL if instance.is_superuser else Reviewer.Types.EXTERNAL
    Reviewer.objects.get_or_create(user=instance, defaults={"user_type": user_type})
    Token.objects.get_or_create(user=instance)
