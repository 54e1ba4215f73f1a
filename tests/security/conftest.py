"""Fixtures of the security tests: the domain tests' people and panels, reused."""

from tests.domain.conftest import (  # noqa: F401 - fixtures, used by name in the tests
    api,
    curator,
    external,
    genes,
    make_panel,
    reviewer,
)
