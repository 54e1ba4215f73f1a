"""docker-aws exactly, but with no cache: every request builds its answer from the database.

What a reader pays right after a change, measured steadily (read_paths.py).
"""

import importlib

globals().update(
    {k: v for k, v in vars(importlib.import_module("panelapp.settings.docker-aws")).items() if k.isupper()}
)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
