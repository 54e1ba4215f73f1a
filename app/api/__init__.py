"""The read-only REST API v1."""
