"""Users, reviewer roles, registration and API tokens."""
