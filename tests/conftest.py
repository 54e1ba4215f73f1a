"""Test-suite wiring: the shared fixtures live in tests/fixtures/ as pytest plugins.

- tests/fixtures/cluster.py: the local Kubernetes control plane (one per session) and a fresh
  namespace per test.
- tests/fixtures/services.py: PostgreSQL, moto (S3, SQS, Cognito), an SMTP sink, ALB signing keys.
"""

pytest_plugins = ["tests.fixtures.cluster", "tests.fixtures.services"]
