"""Releases (Genomics England's PanelApp 2025): a curator names a batch of panels, lists them in a
CSV with promote or sign-off for each, sees every panel's versions before and after, and deploys
them all at once as a Celery task, in one transaction; the release keeps what changed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from panels.models import GenePanel, GenePanelSnapshot, HistoricalSnapshot
from panels.services.panels import PanelFields, create_panel, promote, update_panel
from releases import services
from releases.models import Release, ReleaseDeployment, ReleasePanel, ReleasePanelDeployment
from releases.selectors import release_plan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TEMPLATE = "Release {{ version }} of {{ now.yyyy_mm_dd_hh_mm }}"


def csv_file(rows, header="Panel ID,Promote"):
    body = header + "\n" + "".join(f"{panel_id},{promote}\n" for panel_id, promote in rows)
    return SimpleUploadedFile("release.csv", body.encode(), content_type="text/csv")


def create_release(client, name="Spring 2026", comment=TEMPLATE):
    response = client.post("/releases/create/", {"name": name, "promotion_comment": comment})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Release.objects.get(name=name)


def import_csv(client, release, rows, **kwargs):
    return client.post(f"/releases/{release.pk}/panels/import/", {"import_file": csv_file(rows, **kwargs)})


def state(snapshot):
    snapshot = GenePanelSnapshot.objects.select_related("panel__signed_off").get(pk=snapshot.pk)
    signed = snapshot.panel.signed_off
    return snapshot.version, signed.version if signed else None, snapshot.version_comment


@pytest.fixture
def panels(make_panel):
    """Two public panels with genes: A at 0.2 and B at 0.3."""
    a = make_panel("Release panel A", genes=["BRCA1"])
    b = make_panel("Release panel B", genes=["TP53", "APC"])
    return a, b


def test_only_curators_reach_releases(client, reviewer, curator):
    assert client.get("/releases/").status_code == 302  # to the login page
    client.force_login(reviewer)
    assert client.get("/releases/").status_code == 403
    assert client.post("/releases/create/", {"name": "x"}).status_code == 403
    assert not Release.objects.exists()
    client.force_login(curator)
    assert client.get("/releases/").status_code == 200
    assert client.get("/releases/999999/").status_code == 404


def test_release_names_are_unique_and_the_template_is_checked(client, curator):
    client.force_login(curator)
    create_release(client)
    clash = client.post("/releases/create/", {"name": "spring 2026", "promotion_comment": ""})
    assert clash.status_code == 400 and "already exists" in clash.content.decode()
    bad = client.post("/releases/create/", {"name": "Other", "promotion_comment": "{{ user.password }}"})
    assert bad.status_code == 400
    assert "Unknown placeholders: {{ user.password }}" in bad.content.decode()
    statement = client.post("/releases/create/", {"name": "Other", "promotion_comment": "{% for x in y %}"})
    assert statement.status_code == 400
    assert Release.objects.count() == 1


def test_csv_upload_lists_the_panels_and_is_the_whole_list(client, curator, panels):
    a, b = panels
    client.force_login(curator)
    release = create_release(client)
    assert import_csv(client, release, [(a.panel_id, "true"), (b.panel_id, "false")]).status_code == 302
    assert set(ReleasePanel.objects.values_list("panel_id", "promote")) == {(a.panel_id, True), (b.panel_id, False)}
    # A second file replaces the list.
    assert import_csv(client, release, [(b.panel_id, "TRUE")]).status_code == 302
    assert list(ReleasePanel.objects.values_list("panel_id", "promote")) == [(b.panel_id, True)]
    export = client.get(f"/releases/{release.pk}/panels/export/")
    assert export["Content-Type"].startswith("text/csv")
    assert export.content.decode() == f"Panel ID,Promote,Panel Name\n{b.panel_id},true,Release panel B\n"


def test_a_bad_csv_is_refused_whole_with_every_problem(client, curator, panels):
    a, b = panels
    client.force_login(curator)
    release = create_release(client)
    import_csv(client, release, [(a.panel_id, "false")])
    deleted = create_panel(curator, PanelFields(name="Gone"))
    GenePanel.objects.filter(pk=deleted.panel_id).update(status="deleted")
    response = import_csv(
        client,
        release,
        [
            (b.panel_id, "yes"),
            ("abc", "true"),
            (a.panel_id, "true"),
            (a.panel_id, "false"),
            (999999, "true"),
            (deleted.panel_id, "true"),
        ],
    )
    assert response.status_code == 400
    page = response.content.decode()
    for problem in (
        "Row 1: `yes` value must be either `true` or `false`.",
        "Row 2: `abc` is not a panel id.",
        "Row 4: Panel is a duplicate.",
        "Panel 999999 does not exist.",
        f"Panel {deleted.panel_id} is deleted.",
    ):
        assert problem.replace("`", "&#x60;") in page or problem in page, problem
    # Nothing changed: the earlier list stands.
    assert list(ReleasePanel.objects.values_list("panel_id", "promote")) == [(a.panel_id, False)]
    missing = import_csv(client, release, [(a.panel_id, "true")], header="Panel,Promote")
    assert missing.status_code == 400 and "Missing headers" in missing.content.decode()
    binary = client.post(
        f"/releases/{release.pk}/panels/import/", {"import_file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00\x01")}
    )
    assert binary.status_code == 400
    assert list(ReleasePanel.objects.values_list("panel_id", "promote")) == [(a.panel_id, False)]


def test_choices_on_the_page_switch_promote_and_sign_off(client, curator, panels):
    a, b = panels
    client.force_login(curator)
    release = create_release(client)
    import_csv(client, release, [(a.panel_id, "false"), (b.panel_id, "false")])
    response = client.post(
        f"/releases/{release.pk}/panels/", {f"action-{a.panel_id}": "promote", "remove": [b.panel_id]}
    )
    assert response.status_code == 302
    assert list(ReleasePanel.objects.values_list("panel_id", "promote")) == [(a.panel_id, True)]
    bad = client.post(f"/releases/{release.pk}/panels/", {f"action-{a.panel_id}": "explode"})
    assert bad.status_code == 400 and "is not a choice" in bad.content.decode()
    other = client.post(f"/releases/{release.pk}/panels/", {"action-999999": "promote"})
    assert other.status_code == 400 and "Not in this release" in other.content.decode()
    assert list(ReleasePanel.objects.values_list("panel_id", "promote")) == [(a.panel_id, True)]


def test_preview_shows_versions_before_and_after_and_the_deployment_does_that(
    client, curator, reviewer, panels, django_capture_on_commit_callbacks, mailoutbox
):
    from panels.services.entities import get_entity
    from panels.services.reviews import ReviewFields, submit_review

    a, b = panels
    submit_review(a, get_entity(a, "gene", "BRCA1"), reviewer, ReviewFields(rating="GREEN"))
    a_before, b_before = state(a), state(b)
    client.force_login(curator)
    release = create_release(client)
    import_csv(client, release, [(a.panel_id, "true"), (b.panel_id, "false")])

    plan = release_plan(release)
    assert (str(plan[a.panel_id].signed_off_version), str(plan[a.panel_id].version_after)) == ("1.0", "1.1")
    assert (str(plan[b.panel_id].signed_off_version), str(plan[b.panel_id].version_after)) == (
        b_before[0],
        f"0.{int(b_before[0].split('.')[1]) + 1}",
    )
    page = client.get(f"/releases/{release.pk}/").content.decode()
    assert "<td>1.0</td><td>1.1</td>" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/releases/{release.pk}/deployment/")
    assert response.status_code == 302
    deployment = ReleaseDeployment.objects.get(release=release)
    assert deployment.state == "done", deployment.error
    today = timezone.localdate()

    version, signed, comment = state(a)
    assert (version, signed) == (str(plan[a.panel_id].version_after), "1.0")
    assert comment.splitlines()[1].startswith("Release 1.0 of 20")  # the rendered template
    assert "promoted panel to 1.0" in comment.splitlines()[0]
    assert comment.endswith(a_before[2] or "")
    assert (
        HistoricalSnapshot.objects.get(panel_id=a.panel_id, major_version=1, minor_version=0).signed_off_date == today
    )
    version, signed, comment = state(b)
    assert (version, signed) == (str(plan[b.panel_id].version_after), b_before[0])
    assert comment == b_before[2]

    record = {r.panel_id: r for r in ReleasePanelDeployment.objects.filter(deployment=deployment)}
    assert (
        record[a.panel_id].version_before,
        record[a.panel_id].signed_off_version,
        record[a.panel_id].version_after,
    ) == (
        a_before[0],
        "1.0",
        "1.1",
    )
    assert record[a.panel_id].before.version == a_before[0] and record[a.panel_id].after.version == "1.0"
    assert record[b.panel_id].promoted is False and record[b.panel_id].after.version == b_before[0]
    # The signed-off API lists the versions the release signed off.
    signed_off = client.get("/api/v1/panels/signedoff/", HTTP_ACCEPT="application/json").json()["results"]
    assert {(i["id"], i["version"], i["signed_off"]) for i in signed_off} == {
        (a.panel_id, "1.0", today.isoformat()),
        (b.panel_id, b_before[0], today.isoformat()),
    }
    # The promotion told the reviewer, as a promotion from the panel page does.
    assert [m.to for m in mailoutbox if m.subject == "A panel you reviewed has been promoted"] == [[reviewer.email]]
    # The record is what the page shows now; the release no longer changes.
    page = client.get(f"/releases/{release.pk}/").content.decode()
    assert "What the deployment changed" in page and "Deployed on" in page
    assert client.post(f"/releases/{release.pk}/deployment/").status_code == 400
    assert import_csv(client, release, [(b.panel_id, "true")]).status_code == 400
    assert client.post(f"/releases/{release.pk}/edit/", {"name": "renamed"}).status_code == 400
    # A redelivered task message changes nothing.
    assert services.deploy(deployment.pk) == "done"
    assert state(a)[0] == "1.1"


def test_a_super_panel_with_its_child_in_the_release_is_previewed_as_deployed(
    client, curator, make_panel, django_capture_on_commit_callbacks
):
    child = make_panel("Child panel", genes=["BRCA1"])
    parent = create_panel(curator, PanelFields(name="Super panel", status="public", child_panel_ids=[child.panel_id]))
    client.force_login(curator)
    release = create_release(client)
    import_csv(client, release, [(child.panel_id, "true"), (parent.panel_id, "false")])
    plan = release_plan(release)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/releases/{release.pk}/deployment/")
    assert ReleaseDeployment.objects.get(release=release).state == "done"
    for snapshot in (child, parent):
        version, signed, _ = state(snapshot)
        assert (version, signed) == (
            str(plan[snapshot.panel_id].version_after),
            str(plan[snapshot.panel_id].signed_off_version),
        )


def test_a_failure_changes_nothing_and_says_why(
    client, curator, make_panel, panels, django_capture_on_commit_callbacks
):
    a, b = panels
    # Legacy data: a second live panel with B's name makes B's sign-off fail its panel form checks.
    twin = make_panel("Twin", genes=[])
    GenePanel.objects.filter(pk=twin.panel_id).update(name="Release panel B")
    before = {s.panel_id: state(s) for s in (a, b)}
    frozen = HistoricalSnapshot.objects.count()
    client.force_login(curator)
    release = create_release(client)
    import_csv(client, release, [(a.panel_id, "true"), (b.panel_id, "false")])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/releases/{release.pk}/deployment/").status_code == 302
    deployment = ReleaseDeployment.objects.get(release=release)
    assert deployment.state == "failed"
    assert deployment.error.startswith(f"Panel {b.panel_id} (Release panel B): ")
    assert "already exists" in deployment.error
    # A (promoted first) was rolled back with B.
    assert {s.panel_id: state(s) for s in (a, b)} == before
    assert HistoricalSnapshot.objects.count() == frozen
    assert not ReleasePanelDeployment.objects.exists()
    page = client.get(f"/releases/{release.pk}/").content.decode()
    assert "Deployment failed" in page and "nothing was changed" in page and "already exists" in page
    # Fixed, it deploys.
    GenePanel.objects.filter(pk=twin.panel_id).update(name="Twin")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/releases/{release.pk}/deployment/").status_code == 302
    assert ReleaseDeployment.objects.get(release=release).state == "done"
    assert state(a)[:2] == ("1.1", "1.0")


def test_deploying_needs_panels_and_a_comment_for_promotions(client, curator, panels):
    a, _ = panels
    client.force_login(curator)
    release = create_release(client, comment="")
    empty = client.post(f"/releases/{release.pk}/deployment/")
    assert empty.status_code == 400 and "no panels" in empty.content.decode()
    import_csv(client, release, [(a.panel_id, "true")])
    no_comment = client.post(f"/releases/{release.pk}/deployment/")
    assert no_comment.status_code == 400 and "need a promotion comment" in no_comment.content.decode()
    assert not ReleaseDeployment.objects.exists()


def test_a_deployment_already_queued_is_not_queued_twice(client, curator, panels):
    a, _ = panels
    client.force_login(curator)
    release = create_release(client)
    import_csv(client, release, [(a.panel_id, "false")])
    # Without the on-commit callbacks run, the task is not sent: the deployment stays queued.
    assert client.post(f"/releases/{release.pk}/deployment/").status_code == 302
    again = client.post(f"/releases/{release.pk}/deployment/")
    assert again.status_code == 400 and "already being deployed" in again.content.decode()
    # After PanelApp's 30 minutes a stuck deployment may be started again.
    ReleaseDeployment.objects.update(start=timezone.now() - dt.timedelta(minutes=31))
    assert client.post(f"/releases/{release.pk}/deployment/").status_code == 302


def test_the_release_page_reads_in_a_fixed_number_of_queries(client, curator, make_panel):
    client.force_login(curator)
    few = create_release(client, "Few")
    many = create_release(client, "Many")
    snapshots = [make_panel(f"Query panel {i}", genes=[]) for i in range(12)]
    import_csv(client, few, [(s.panel_id, "true") for s in snapshots[:2]])
    import_csv(client, many, [(s.panel_id, "false" if i % 2 else "true") for i, s in enumerate(snapshots)])

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    assert queries(f"/releases/{few.pk}/") == queries(f"/releases/{many.pk}/")
    listed = queries("/releases/")
    for n in range(8):
        release = create_release(client, f"More {n}")
        import_csv(client, release, [(snapshots[n].panel_id, "true")])
    assert queries("/releases/") == listed


def test_release_sign_off_is_the_panel_forms_sign_off(curator, make_panel):
    """The release's sign-off and the panel form's give the same versions and activity."""
    by_form = make_panel("By form", genes=["BRCA1"])
    by_release = make_panel("By release", genes=["BRCA1"])
    promote(by_form, curator, "x")
    fields = PanelFields.from_snapshot(by_form)
    fields.signed_off_version, fields.signed_off_date = by_form.version, timezone.localdate()
    update_panel(by_form, curator, fields)
    release = services.save_release(curator, name="R", promotion_comment="x")
    ReleasePanel.objects.create(release=release, panel_id=by_release.panel_id, promote=True)
    deployment = services.start_deployment(release, curator)
    assert services.deploy(deployment.pk) == "done"
    assert state(by_form)[:2] == state(by_release)[:2] == ("1.1", "1.0")


def test_an_unexpected_error_changes_nothing_and_is_recorded(curator, panels, monkeypatch):
    a, b = panels
    before = {s.panel_id: state(s) for s in (a, b)}
    release = services.save_release(curator, name="Broken", promotion_comment="x")
    ReleasePanel.objects.create(release=release, panel_id=a.panel_id, promote=False)
    ReleasePanel.objects.create(release=release, panel_id=b.panel_id, promote=True)

    def broken(*args, **kwargs):
        raise RuntimeError("the promotion broke")

    monkeypatch.setattr(services.panel_service, "promote", broken)
    deployment = services.start_deployment(release, curator)
    assert services.deploy(deployment.pk) == "failed"
    deployment.refresh_from_db()
    assert deployment.error == "Unexpected error (RuntimeError); nothing was changed."
    # A was signed off before B broke: rolled back with it.
    assert {s.panel_id: state(s) for s in (a, b)} == before


def test_a_csv_larger_than_a_mebibyte_is_refused(client, curator, panels):
    client.force_login(curator)
    release = create_release(client)
    big = SimpleUploadedFile("big.csv", b"Panel ID,Promote\n" + b"1,true\n" * 200_000)
    response = client.post(f"/releases/{release.pk}/panels/import/", {"import_file": big})
    assert response.status_code == 400 and "larger than 1024 KiB" in response.content.decode()
    assert not ReleasePanel.objects.exists()


def test_the_list_finds_releases_by_name_and_deployment(client, curator, panels):
    a, _ = panels
    client.force_login(curator)
    done = create_release(client, "Autumn done")
    import_csv(client, done, [(a.panel_id, "false")])
    deployment = services.start_deployment(done, curator)
    assert services.deploy(deployment.pk) == "done"
    create_release(client, "Autumn pending")
    create_release(client, "Winter pending")

    def names(**query):
        response = client.get("/releases/", query)
        assert response.status_code == 200
        return [r.name for r in response.context["page"].object_list]

    assert names() == ["Winter pending", "Autumn pending", "Autumn done"]
    assert names(search="autumn") == ["Autumn pending", "Autumn done"]
    assert names(deployment="done") == ["Autumn done"]
    assert names(deployment="pending") == ["Winter pending", "Autumn pending"]
    assert names(deployment=["pending", "done"], search="Autumn") == ["Autumn pending", "Autumn done"]
    assert client.get("/releases/", {"deployment": "later"}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_a_deployment_a_worker_is_running_is_never_queued_again(curator, panels):
    """A worker holds the deployment's row while it deploys: starting it again (even after the
    30 minutes) is refused, and a second delivery of the task skips it."""
    import threading

    from django.db import connections

    a, _ = panels
    release = services.save_release(curator, name="Busy", promotion_comment="")
    ReleasePanel.objects.create(release=release, panel_id=a.panel_id, promote=False)
    # Queued an hour ago (here without sending the task, which would run at once in the tests).
    deployment = ReleaseDeployment.objects.create(
        release=release, user=curator, start=timezone.now() - dt.timedelta(hours=1)
    )
    locked, release_lock = threading.Event(), threading.Event()

    def worker():
        from django.db import transaction

        try:
            with transaction.atomic():
                ReleaseDeployment.objects.select_for_update().get(pk=deployment.pk)
                locked.set()
                release_lock.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert locked.wait(30)
        with pytest.raises(ValidationError, match="being deployed right now"):
            services.start_deployment(release, curator)
        assert services.deploy(deployment.pk) == "running"
    finally:
        release_lock.set()
        thread.join(30)
    assert ReleaseDeployment.objects.get(pk=deployment.pk).state == "queued"
    assert services.deploy(deployment.pk) == "done"
