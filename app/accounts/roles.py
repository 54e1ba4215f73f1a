"""What a user may do, decided in one place so views, templates and the API agree.

Every function accepts any user object, including ``AnonymousUser``.
"""


def _reviewer(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "reviewer", None)


def is_curator(user) -> bool:
    """Genomics England curators (``GEL``) may change panels and entities."""
    reviewer = _reviewer(user)
    return bool(reviewer and reviewer.is_gel())


def is_verified_reviewer(user) -> bool:
    """Approved reviewers and curators may write reviews and suggest entities."""
    reviewer = _reviewer(user)
    return bool(reviewer and reviewer.is_verified())
