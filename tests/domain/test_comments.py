"""Editing and deleting review comments: your own only; curators may also delete anyone's."""

import pytest

from panels.models import Activity, Comment
from panels.services.entities import get_entity
from panels.services.reviews import ReviewFields, submit_review

from .conftest import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def commented(make_panel, reviewer):
    snapshot = make_panel("Comment panel", genes=["BRCA1"])
    entity = get_entity(snapshot, "gene", "BRCA1")
    evaluation = submit_review(snapshot, entity, reviewer, ReviewFields(rating="GREEN", comment="First thoughts"))
    snapshot.refresh_from_db()
    base = f"/panels/{snapshot.panel_id}/gene/BRCA1"
    return snapshot, evaluation.comments.get(), base


def test_the_author_edits_their_comment_without_a_new_version(client, reviewer, commented):
    snapshot, comment, base = commented
    version = snapshot.version
    client.force_login(reviewer)
    page = client.get(f"{base}/").content.decode()
    assert f"{base}/edit_comment/{comment.pk}/" in page and f"{base}/delete_comment/{comment.pk}/" in page
    form = client.get(f"{base}/edit_comment/{comment.pk}/")
    assert form.status_code == 200 and "First thoughts" in form.content.decode()
    response = client.post(f"{base}/submit_edit_comment/{comment.pk}/", {"comment": "  Second thoughts  "})
    assert response.status_code == 302 and response["Location"] == f"{base}/#reviews"
    comment.refresh_from_db()
    assert comment.comment == "Second thoughts" and comment.last_updated is not None
    snapshot.refresh_from_db()
    assert snapshot.version == version
    line = Activity.objects.filter(panel_id=snapshot.panel_id).order_by("-created", "-id").first()
    assert line.text == "Changed review comment from: First thoughts; to: Second thoughts"
    assert "Second thoughts" in client.get(f"{base}/").content.decode()


def test_an_empty_comment_is_refused_next_to_the_field(client, reviewer, commented):
    _, comment, base = commented
    client.force_login(reviewer)
    response = client.post(f"{base}/submit_edit_comment/{comment.pk}/", {"comment": "   "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    comment.refresh_from_db()
    assert comment.comment == "First thoughts"


def test_nobody_else_edits_it_not_even_a_curator(client, curator, commented):
    _, comment, base = commented
    other = make_user("other", "REVIEWER")
    for user in (other, curator):
        client.force_login(user)
        assert client.get(f"{base}/edit_comment/{comment.pk}/").status_code == 403
        assert client.post(f"{base}/submit_edit_comment/{comment.pk}/", {"comment": "Mine now"}).status_code == 403
    client.force_login(other)
    assert client.post(f"{base}/delete_comment/{comment.pk}/").status_code == 403
    assert f"delete_comment/{comment.pk}/" not in client.get(f"{base}/").content.decode()
    comment.refresh_from_db()
    assert comment.comment == "First thoughts"
    client.logout()
    assert client.post(f"{base}/delete_comment/{comment.pk}/").status_code == 302  # to log in
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_the_author_or_a_curator_deletes_it(client, reviewer, curator, commented, make_panel):
    snapshot, comment, base = commented
    client.force_login(reviewer)
    assert client.post(f"{base}/delete_comment/{comment.pk}/").status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert Activity.objects.filter(panel_id=snapshot.panel_id, text="Deleted their comment").exists()
    entity = get_entity(snapshot, "gene", "BRCA1")
    again = submit_review(snapshot, entity, reviewer, ReviewFields(rating="GREEN", comment="Again")).comments.get()
    client.force_login(curator)
    assert f"delete_comment/{again.pk}/" in client.get(f"{base}/").content.decode()
    assert client.post(f"{base}/delete_comment/{again.pk}/").status_code == 302
    assert not Comment.objects.filter(pk=again.pk).exists()
    assert Activity.objects.filter(text="Deleted a comment by Reviewer Tester").exists()


def test_a_comment_of_another_entity_is_not_found_here(client, reviewer, commented, make_panel):
    _, comment, _ = commented
    other = make_panel("Other panel", genes=["TP53"])
    client.force_login(reviewer)
    url = f"/panels/{other.panel_id}/gene/TP53"
    assert client.get(f"{url}/edit_comment/{comment.pk}/").status_code == 404
    assert client.post(f"{url}/delete_comment/{comment.pk}/").status_code == 404
    assert client.post(f"{url}/delete_comment/99999999999999999999999/").status_code == 404
