"""The legacy /WebServices/ JSON API (PanelApp v0), still used by older pipelines (reference §3.9)."""
