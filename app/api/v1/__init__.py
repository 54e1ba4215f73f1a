"""PanelApp's read-only REST API v1, wire-compatible with Genomics England PanelApp."""
