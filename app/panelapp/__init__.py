"""The PanelApp Django project."""
