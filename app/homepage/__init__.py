"""The editable home page: Markdown sections kept in the Django admin (PanelApp's ``HomeText``)."""
