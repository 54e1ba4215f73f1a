"""The embedded default: SQLite and local files, tasks run in-process, debug off."""
from .base import *  # noqa: F401,F403
from .base import BASE_DIR

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "_local" / "panelapp.sqlite3"}}
