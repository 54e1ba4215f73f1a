"""Copying reviews from one panel to another (/panels/copy/<from>/<to>): chosen genes, a Celery
task over the copy service, an email of the result, one minor version on the target."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panels.models import Gene
from panels.services.entities import get_entity
from panels.services.reviews import ReviewFields, submit_review

from .conftest import make_user

pytestmark = [pytest.mark.postgres]

REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def review(snapshot, symbol, user, rating, comment=""):
    return submit_review(
        snapshot, get_entity(snapshot, "gene", symbol), user, ReviewFields(rating=rating, comment=comment)
    )


@pytest.fixture
def two_panels(make_panel, reviewer):
    source = make_panel("Copy source", genes=["BRCA1", "TP53", "ATM"])
    target = make_panel("Copy target", genes=["BRCA1", "TP53", "PALB2"])
    second = make_user("second", "REVIEWER", first_name="Sam", last_name="Second")
    review(source, "BRCA1", reviewer, "GREEN", "Strong evidence in two families")
    review(source, "BRCA1", second, "AMBER")
    review(source, "TP53", reviewer, "RED", "Weak")
    review(target, "BRCA1", second, "RED", "Already reviewed here")  # not copied over
    for snapshot in (source, target):
        snapshot.refresh_from_db()
    return source, target, second


def reviews_of(snapshot, symbol):
    entity = get_entity(snapshot, "gene", symbol)
    return sorted(entity.evaluation.select_related("user"), key=lambda e: e.user.username)


@pytest.mark.django_db
def test_the_page_lists_the_genes_on_both_panels_and_who_would_be_copied(client, curator, two_panels):
    source, target, _ = two_panels
    client.force_login(curator)
    compare = client.get(f"/panels/compare/{source.panel_id}/{target.panel_id}").content.decode()
    assert f"/panels/copy/{source.panel_id}/{target.panel_id}" in compare
    page = client.get(f"/panels/copy/{source.panel_id}/{target.panel_id}")
    assert page.status_code == 200
    html = page.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [" ".join(r.split()) for r in body.split("<tr>")[1:]]
    assert len(rows) == 2 and "BRCA1" in rows[0] and "TP53" in rows[1]  # ATM, PALB2 are on one panel only
    assert "Reviewer Tester" in rows[0] and "Sam Second" in rows[0].split("</td>")[-2]  # existing on the target
    assert "checked" in rows[0] and "checked" in rows[1]


@pytest.mark.django_db
def test_copying_the_chosen_genes_in_the_background_then_an_email(
    client, curator, reviewer, two_panels, mailoutbox, django_capture_on_commit_callbacks
):
    source, target, second = two_panels
    before = target.version_tuple
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/panels/copy/{source.panel_id}/{target.panel_id}", {"genes": ["BRCA1"]})
    assert (
        response.status_code == 302 and response["Location"] == f"/panels/compare/{source.panel_id}/{target.panel_id}"
    )
    copied = reviews_of(target, "BRCA1")
    assert [(e.user.username, e.rating) for e in copied] == [("reviewer", "GREEN"), ("second", "RED")]
    mine = copied[0]
    assert mine.version == f"Imported from Copy source panel version {reviews_of(source, 'BRCA1')[0].version}"
    assert [c.comment for c in mine.comments.all()] == ["Strong evidence in two families"]
    assert reviews_of(target, "TP53") == []  # not chosen
    target.refresh_from_db()
    assert target.version_tuple == before.next_minor()
    [email] = mailoutbox
    assert email.to == [curator.email] and email.subject == "Success copying the reviews"
    assert email.body.startswith("1 review copied from Copy source to Copy target")
    # The source keeps its reviews; copying again copies nothing and keeps the version.
    assert len(reviews_of(source, "BRCA1")) == 2
    from panels.services.review_copy import run_copy

    assert run_copy(curator.pk, ["BRCA1"], source.panel_id, target.panel_id) == 0
    target.refresh_from_db()
    assert target.version_tuple == before.next_minor()
    assert mailoutbox[-1].body.startswith("0 reviews copied")


@pytest.mark.django_db
def test_bad_choices_are_refused_with_the_reason(client, curator, reviewer, two_panels):
    source, target, _ = two_panels
    url = f"/panels/copy/{source.panel_id}/{target.panel_id}"
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"genes": ["BRCA1"]}).status_code == 403
    client.force_login(curator)
    nothing = client.post(url, {})
    assert nothing.status_code == 400 and "Choose at least one gene." in nothing.content.decode()
    elsewhere = client.post(url, {"genes": ["BRCA1", "ATM"]})
    assert elsewhere.status_code == 400 and "Not on both panels: ATM." in elsewhere.content.decode()
    same = client.post(f"/panels/copy/{source.panel_id}/{source.panel_id}", {"genes": ["BRCA1"]})
    assert same.status_code == 400 and "Choose two different panels." in same.content.decode()
    assert client.get(f"/panels/copy/{source.panel_id}/999999999").status_code == 404
    assert len(reviews_of(target, "BRCA1")) == 1


@pytest.mark.django_db
def test_the_copy_costs_the_same_for_few_or_many_genes(make_panel, curator, reviewer):
    from panels.services.review_copy import copy_reviews

    symbols = list(Gene.objects.active().order_by("gene_symbol").values_list("gene_symbol", flat=True))
    counts = []
    for chosen in (symbols[40:42], symbols[:30]):
        size = len(chosen)
        source = make_panel(f"Source {size}", genes=chosen)
        target = make_panel(f"Target {size}", genes=chosen)
        for symbol in chosen:
            review(source, symbol, reviewer, "GREEN", f"About {symbol}")
        with CaptureQueriesContext(connection) as captured:
            assert copy_reviews(curator, source, target, chosen) == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_copies_over_sqs_and_emails_the_curator(
    aws, celery_worker, tasks_over_sqs, smtp, client, make_panel, curator, reviewer
):
    from tests.fixtures.services import worker_database_env

    source = make_panel("Worker source", genes=["BRCA1", "TP53"])
    target = make_panel("Worker target", genes=["BRCA1", "TP53"])
    review(source, "BRCA1", reviewer, "GREEN", "Copied by the worker")
    review(source, "TP53", reviewer, "AMBER")
    worker = celery_worker(
        env={**worker_database_env(), **smtp.env, "PYTHONPATH": f"{REPO_ROOT / 'app'}:{REPO_ROOT}"},
        settings="tests.domain.worker_settings",
    )
    client.force_login(curator)
    response = client.post(f"/panels/copy/{source.panel_id}/{target.panel_id}", {"genes": ["BRCA1", "TP53"]})
    assert response.status_code == 302
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "Success copying the reviews" and message["To"] == curator.email
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(reviews_of(target, "TP53")) < 1:
        time.sleep(0.2)
    assert [e.rating for e in reviews_of(target, "BRCA1")] == ["GREEN"], worker.output()[-2000:]
    assert [e.rating for e in reviews_of(target, "TP53")] == ["AMBER"]
