"""Releases: a named batch of panels promoted and signed off together (Genomics England's
PanelApp 2025 "releases" app). Models here; the rules in ``services`` over panels.services."""
