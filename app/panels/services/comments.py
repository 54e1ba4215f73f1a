"""Review comments: their authors edit and delete them; curators may also delete anyone's.

None of this changes the panel version; each change is a line in the activity feed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_curator

from ..models import Comment, Evaluation, GenePanelSnapshot
from ..models.entities import Entity
from .activity import log_activity
from .versioning import panel_change

#: The longest comment accepted (PanelApp sets no limit; a page of text is plenty).
MAX_COMMENT_LENGTH = 10_000


def comment_text(text: str) -> str:
    """``text`` as a comment is stored, or a ValidationError saying why it cannot be one."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({"comment": ["A comment cannot be empty."]})
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValidationError({"comment": [f"A comment has at most {MAX_COMMENT_LENGTH:,} characters."]})
    return text


def may_delete(user: User, comment: Comment) -> bool:
    return comment.user_id == user.pk or is_curator(user)


def edit_comment(
    snapshot: GenePanelSnapshot, entity: Entity, user: User, evaluation: Evaluation, comment: Comment, text: str
) -> None:
    """The author changes their comment (nobody else may, curators included, as in PanelApp)."""
    if comment.user_id != user.pk:
        raise PermissionDenied("You can only edit your own comments.")
    new = comment_text(text)
    with panel_change(snapshot, bump=False):
        old = comment.comment
        now = timezone.now()
        comment.comment = new
        comment.last_updated = now
        comment.version = snapshot.version
        comment.save(update_fields=["comment", "last_updated", "version", "modified"])
        evaluation.last_updated = now
        evaluation.save(update_fields=["last_updated", "modified"])
        log_activity(snapshot, user, f"Changed review comment from: {old}; to: {new}", entity)


def delete_comment(snapshot: GenePanelSnapshot, entity: Entity, user: User, comment: Comment) -> None:
    """The author deletes their comment; a curator may delete anyone's."""
    if not may_delete(user, comment):
        raise PermissionDenied("You can only delete your own comments.")
    with panel_change(snapshot, bump=False):
        own = comment.user_id == user.pk
        author = comment.user.display_name() if not own else ""
        comment.delete()
        log_activity(snapshot, user, "Deleted their comment" if own else f"Deleted a comment by {author}", entity)
