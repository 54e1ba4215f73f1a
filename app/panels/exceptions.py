"""Domain errors. Input problems are Django ``ValidationError`` (field -> messages) so forms can
show them next to the field; role problems are ``PermissionDenied`` (HTTP 403)."""

from django.core.exceptions import ValidationError


class IsSuperPanelException(ValidationError):
    """Super panels own no entities: nothing can be added to or uploaded into them."""

    def __init__(self, panel_name: str):
        super().__init__(f"{panel_name} is a super panel: add entities to its child panels instead.")
