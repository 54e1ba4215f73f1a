"""Settings for the test suite: PostgreSQL from the test fixtures, tasks run eagerly."""
from .base import *  # noqa: F401,F403
