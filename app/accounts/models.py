from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """PanelApp's user; PanelApp looks users up by email (Cognito login, registration)."""

    email = models.EmailField("email address", unique=True, blank=True, null=True)
