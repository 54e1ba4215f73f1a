"""Mirroring another PanelApp: its public panels copied through its API v1 (docs/domain.md)."""
