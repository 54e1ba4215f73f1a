from __future__ import annotations

from .models import HomeText


def home_sections() -> list[HomeText]:
    """The home page's sections in order (one query)."""
    return list(HomeText.objects.order_by("section", "pk"))
