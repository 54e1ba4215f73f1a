"""``panelapp-manage mirror --from URL`` against a real source: another instance of this app.

The source is panelapp-web (gunicorn) over its own PostgreSQL database loaded with the demo data;
the mirror is the test database. Requests reach the source through a loopback proxy that records
every path and can break chosen answers. Only loopback addresses are used.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command

from mirror.client import MirrorError
from mirror.models import MirroredPanel, MirrorSource
from mirror.services import mirror
from panels.models import (
    STR,
    Evaluation,
    Evidence,
    Gene,
    GenePanel,
    GenePanelEntrySnapshot,
    GenePanelSnapshot,
    HistoricalSnapshot,
    Region,
    Tag,
)
from tests.domain import mirror_helpers as helpers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

KINDS = ("genes", "strs", "regions")
CHANGED_PANEL = "Long QT syndrome"
OTHER_PANEL = "Genetic epilepsy syndromes"
STR_PANEL = "Repeat expansion disorders"


@pytest.fixture(scope="module")
def source(postgres_server, tmp_path_factory) -> Iterator[helpers.Source]:
    server = helpers.start_source(postgres_server, Path(tmp_path_factory.mktemp("mirror-source")))
    try:
        yield server
    finally:
        server.web.stop()


@pytest.fixture
def proxy(source) -> Iterator[helpers.Proxy]:
    yield from helpers.start_proxy(source.base_url)


def source_json(source: helpers.Source, path: str):
    status, body = source.get(path)
    assert status == 200, (path, status, body[:300])
    return json.loads(body)


def panel_id_named(source: helpers.Source, name: str) -> int:
    panels = source_json(source, "/api/v1/panels/")["results"]
    return next(p["id"] for p in panels if p["name"] == name)


def api_paths(source: helpers.Source) -> list[str]:
    """Every API v1 answer about the source's public panels that a mirror must give the same."""
    paths = ["/api/v1/panels/", "/api/v1/panels/signedoff/", "/api/v1/panels/signedoff/?display=all"]
    for panel in source_json(source, "/api/v1/panels/")["results"]:
        pid = panel["id"]
        paths += [f"/api/v1/panels/{pid}/", f"/api/v1/panels/{pid}/?exclude_entities=true"]
        paths += [f"/api/v1/panels/{pid}/{kind}/" for kind in KINDS]
        detail = source_json(source, f"/api/v1/panels/{pid}/")
        for kind in KINDS:
            for entity in detail[kind]:
                if "panel" not in entity:
                    paths.append(f"/api/v1/panels/{pid}/{kind}/{quote(entity['entity_name'], safe='')}/evaluations/")
        if panel["hash_id"]:
            paths.append(f"/api/v1/panels/{panel['hash_id']}/")
    for item in source_json(source, "/api/v1/panels/signedoff/?display=all")["results"]:
        paths.append(f"/api/v1/panels/{item['id']}/?version={item['version']}")
        paths.append(f"/api/v1/panels/signedoff/{item['id']}/")
    paths += ["/api/v1/genes/BRCA1/", "/api/v1/strs/", "/api/v1/regions/", "/api/v1/entities/?entity_name=BRCA2"]
    return paths


def mirror_get(client, path: str) -> tuple[int, bytes]:
    response = client.get(path, HTTP_ACCEPT="application/json")
    return response.status_code, response.content


def assert_same_answers(source: helpers.Source, client) -> int:
    """Each answer of the mirror equals the source's, byte for byte (links name each one's own host)."""
    paths = api_paths(source)
    for path in paths:
        status, body = source.get(path)
        assert status == 200, (path, status)
        mine_status, mine = mirror_get(client, path)
        assert mine_status == 200, (path, mine_status, mine[:300])
        theirs = body.replace(source.base_url.encode(), b"http://testserver")
        assert mine == theirs, f"{path} differs:\nsource: {theirs[:600]!r}\nmirror: {mine[:600]!r}"
    return len(paths)


def mirror_state(client) -> dict:
    """What a failed run must leave exactly as it was: the answers and every row count."""
    answers = {
        path: mirror_get(client, path)
        for path in ["/api/v1/panels/", "/api/v1/panels/signedoff/?display=all"]
        + [f"/api/v1/panels/{pk}/" for pk in GenePanel.objects.values_list("pk", flat=True)]
    }
    models = (
        GenePanel,
        GenePanelSnapshot,
        GenePanelEntrySnapshot,
        STR,
        Region,
        Evidence,
        Evaluation,
        HistoricalSnapshot,
        Gene,
        Tag,
        MirrorSource,
    )
    counts = {model.__name__: model.objects.count() for model in models}
    states = list(MirroredPanel.objects.values_list("panel_id", "version", "version_created", "signed_off"))
    return {"answers": answers, "counts": counts, "states": states}


def add_gene_at_source(source: helpers.Source, panel_id: int) -> str:
    """A curator at the source adds a gene to a panel (a new minor version); the gene's symbol."""
    return source.run(
        "from accounts.models import User\n"
        "from panels.models import Gene, GenePanelSnapshot\n"
        "from panels.services.entities import EntityFields, add_entity\n"
        f"snapshot = GenePanelSnapshot.objects.get(panel_id={panel_id})\n"
        "taken = set(snapshot.genepanelentrysnapshot_set.values_list('gene_core_id', flat=True))\n"
        "gene = Gene.objects.filter(active=True).exclude(pk__in=taken).order_by('pk').first()\n"
        "add_entity(snapshot, User.objects.get(username='curator'), 'gene', EntityFields(gene_symbol=gene.pk, "
        "sources=['Expert Review Amber'], moi='Unknown', phenotypes=['Added at the source']))\n"
        "print(gene.pk)\n"
    ).strip()


def test_a_mirror_answers_every_api_question_as_its_source(source, proxy, client):
    result = mirror(proxy.base_url)

    listed = source_json(source, "/api/v1/panels/")["results"]
    assert result.fetched == sorted(p["id"] for p in listed)
    assert result.unchanged == 0 and result.withdrawn == []
    compared = assert_same_answers(source, client)
    assert compared > 50
    # Ids, hash ids, versions and version dates are the source's; signed-off records too.
    for item in listed:
        snapshot = GenePanelSnapshot.objects.select_related("panel").get(panel_id=item["id"])
        assert (snapshot.panel.old_pk, snapshot.version) == (item["hash_id"], item["version"])
    signed = source_json(source, "/api/v1/panels/signedoff/?display=all")["results"]
    assert signed, "the demo data has a signed-off version"
    assert HistoricalSnapshot.objects.filter(signed_off_date__isnull=False).count() == len(signed)
    # A panel created here afterwards takes a fresh id, never one of the source's.
    assert GenePanel.objects.create(name="Local panel").pk > max(p["id"] for p in listed)


def test_a_second_run_fetches_only_the_panel_that_changed(source, proxy, client):
    mirror(proxy.base_url)
    proxy.reset()
    again = mirror(proxy.base_url)
    assert again.fetched == [] and again.withdrawn == []
    assert proxy.paths == ["/api/v1/panels/", "/api/v1/panels/signedoff/?display=all"]

    changed = panel_id_named(source, CHANGED_PANEL)
    symbol = add_gene_at_source(source, changed)
    proxy.reset()
    started = time.monotonic()
    result = mirror(proxy.base_url)
    seconds = time.monotonic() - started

    assert result.fetched == [changed]
    detail = source_json(source, f"/api/v1/panels/{changed}/")
    entities = sum(len(detail[kind]) for kind in KINDS)
    assert proxy.paths[:3] == ["/api/v1/panels/", "/api/v1/panels/signedoff/?display=all", f"/api/v1/panels/{changed}/"]
    assert len(proxy.paths) == 3 + entities, proxy.paths
    assert all(path.startswith(f"/api/v1/panels/{changed}/") for path in proxy.paths[2:]), proxy.paths
    assert result.requests == proxy.paths
    mirrored = json.loads(mirror_get(client, f"/api/v1/panels/{changed}/")[1])
    assert symbol in {g["entity_name"] for g in mirrored["genes"]}
    assert mirrored["version"] == detail["version"]
    assert_same_answers(source, client)
    print(f"incremental run: {len(proxy.paths)} requests in {seconds:.2f}s")


def test_a_panel_that_leaves_the_source_leaves_the_mirrors_lists(source, proxy, client):
    mirror(proxy.base_url)
    gone = panel_id_named(source, OTHER_PANEL)
    source.run(
        "from panels.models import GenePanel\n"
        f"GenePanel.objects.filter(pk={gone}).update(status='internal')\n"
        "from panels.models import GenePanelSnapshot\n"
        "from django.utils import timezone\n"
        f"GenePanelSnapshot.objects.filter(panel_id={gone}).update(modified=timezone.now())\n"
    )
    try:
        result = mirror(proxy.base_url)
        assert result.withdrawn == [gone] and result.fetched == []
        assert GenePanel.objects.get(pk=gone).status == "deleted"
        assert mirror_get(client, f"/api/v1/panels/{gone}/")[0] == 404
        assert_same_answers(source, client)
    finally:
        source.run(
            "from panels.models import GenePanel, GenePanelSnapshot\n"
            "from django.utils import timezone\n"
            f"GenePanel.objects.filter(pk={gone}).update(status='public')\n"
            f"GenePanelSnapshot.objects.filter(panel_id={gone}).update(modified=timezone.now())\n"
        )
    back = mirror(proxy.base_url)
    assert back.fetched == [gone]
    assert_same_answers(source, client)


def rewrite(source: helpers.Source, path: str, change) -> helpers.Answer:
    data = source_json(source, path)
    change(data)
    return 200, "application/json", json.dumps(data).encode()


def test_bad_sources_give_a_clear_error_and_leave_the_mirror_as_it_was(source, proxy, client):
    mirror(proxy.base_url)
    changed = panel_id_named(source, OTHER_PANEL)
    add_gene_at_source(source, changed)  # the next run has something to fetch
    before = mirror_state(client)
    detail_path = f"/api/v1/panels/{changed}/"
    str_panel = panel_id_named(source, STR_PANEL)

    def long_chromosome(data: dict) -> None:
        data["strs"][0]["chromosome"] = "chromosome-4-of-a-very-long-name"

    def confidence_as_number(data: dict) -> None:
        data["genes"][0]["confidence_level"] = 3

    first_gene = source_json(source, detail_path)["genes"][0]["entity_name"]
    reviews_path = f"/api/v1/panels/{changed}/genes/{quote(first_gene, safe='')}/evaluations/"
    with helpers.silent_server() as silent_url:
        cases = [
            ("source down", helpers.closed_port_url(), {}, {}, ["could not connect", "connection refused"]),
            ("source never answers", silent_url, {}, {"timeout": 0.5, "retries": 1}, ["no answer within 0.5s (2 attempts)"]),
            ("HTML instead of the panel list", proxy.base_url,
             {"/api/v1/panels/": helpers.fixed(200, "text/html", b"<html><body>Maintenance</body></html>")}, {},
             ["/api/v1/panels/ answered text/html, not JSON", "Maintenance"]),
            ("a list of the wrong shape", proxy.base_url,
             {"/api/v1/panels/": helpers.fixed(200, "application/json", b"[1, 2, 3]")}, {},
             ["expected a page of panels", "a list of 3"]),
            ("malformed JSON for a changed panel", proxy.base_url,
             {detail_path: helpers.fixed(200, "application/json", b'{"id": 1, "genes": [')}, {},
             [f"{detail_path} answered malformed JSON"]),
            ("a changed panel slow to answer", proxy.base_url,
             {detail_path: helpers.hang(3)}, {"timeout": 0.5, "retries": 0},
             [f"{detail_path}: no answer within 0.5s (1 attempt)"]),
            ("a mistyped field", proxy.base_url,
             {detail_path: lambda: rewrite(source, detail_path, confidence_as_number)}, {},
             [f"panel {changed}", "genes[0].confidence_level must be a string, got int 3"]),
            ("reviews answering 500", proxy.base_url,
             {reviews_path: helpers.fixed(500, "text/plain", b"Internal Server Error")}, {"retries": 1},
             [f"{reviews_path} answered HTTP 500"]),
            # Fetched and checked, refused by the database while stored after another changed panel
            # was already written: the whole run is rolled back.
            ("a value the database refuses", proxy.base_url,
             {f"/api/v1/panels/{str_panel}/": lambda: rewrite(source, f"/api/v1/panels/{str_panel}/", long_chromosome)},
             {"full": True}, [f"panel {str_panel}: the source's data could not be stored", "nothing was changed"]),
        ]  # fmt: skip
        for name, url, rules, options, messages in cases:
            proxy.reset()
            for path, answer in rules.items():
                proxy.break_path(path, answer)
            started = time.monotonic()
            with pytest.raises(MirrorError) as failure:
                mirror(url, **options)
            assert time.monotonic() - started < 20, name
            for message in messages:
                assert message in str(failure.value), (name, str(failure.value))
            assert mirror_state(client) == before, f"{name}: the mirror changed"
    proxy.reset()
    result = mirror(proxy.base_url)
    assert result.fetched == [changed]
    assert_same_answers(source, client)


def test_the_command_prints_a_summary_and_refuses_bad_addresses(source, proxy, capsys):
    call_command("mirror", "--from", proxy.base_url, "--json")
    summary = json.loads(capsys.readouterr().out)
    assert summary["source"] == proxy.base_url + "/"
    assert summary["fetched"] and summary["unchanged"] == 0
    assert MirrorSource.objects.get().last_result["fetched"] == summary["fetched"]
    call_command("mirror", "--from", proxy.base_url + "/api/v1/")
    assert "0 panel(s) fetched" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not a PanelApp address"):
        call_command("mirror", "--from", "ftp://127.0.0.1/")
    with pytest.raises(CommandError, match="nothing was changed: .*could not connect"):
        call_command("mirror", "--from", helpers.closed_port_url(), "--retries", "0")


def test_a_local_panel_with_a_source_id_is_a_conflict(source, proxy):
    listed = source_json(source, "/api/v1/panels/")["results"]
    GenePanel.objects.create(pk=listed[0]["id"], name="Our own panel", status="public")
    with pytest.raises(MirrorError, match="already exist here and were not mirrored"):
        mirror(proxy.base_url)
    assert not MirrorSource.objects.exists()


def test_the_scheduled_task_runs_the_same_incremental_mirror(source, proxy):
    from mirror.tasks import mirror_panelapp

    first = mirror_panelapp.delay(proxy.base_url).get()
    assert first["fetched"] and first["unchanged"] == 0
    again = mirror_panelapp.delay(proxy.base_url).get()  # a message delivered twice changes nothing
    assert again["fetched"] == [] and again["requests"] == 2


def test_the_embedded_default_mirrors_on_sqlite_through_the_console_command(source, proxy, tmp_path):
    """``panelapp-manage mirror`` in the embedded default (SQLite), then its own panelapp-web answers."""
    from tests.runtime.conftest import command_env, run_command, start_web

    env = command_env({"DJANGO_SETTINGS_MODULE": "panelapp.settings.local", "PANELAPP_LOCAL_DIR": str(tmp_path)})
    migrated = run_command("panelapp-migrate", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    done = run_command("panelapp-manage", "mirror", "--from", proxy.base_url, "--json", env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["fetched"] == sorted(p["id"] for p in source_json(source, "/api/v1/panels/")["results"])
    web = start_web({**env, "GUNICORN_WORKERS": "1"}, tmp_path)
    try:
        paths = api_paths(source)
        for path in paths:
            theirs = source.get(path)[1].replace(source.base_url.encode(), web.base_url.encode())
            mine = helpers.Source(web, "", env).get(path)
            assert mine == (200, theirs), (
                f"{path} differs on SQLite:\nsource: {theirs[:600]!r}\nmirror: {mine[1][:600]!r}"
            )
    finally:
        web.stop()
    failed = run_command("panelapp-manage", "mirror", "--from", helpers.closed_port_url(), "--retries", "0", env=env)
    assert failed.returncode == 1
    assert "Mirroring failed, nothing was changed" in failed.stderr and "connection refused" in failed.stderr


def test_a_throttled_source_is_waited_for_as_it_asks(source, proxy):
    proxy.break_path("/api/v1/panels/", helpers.throttled_once(retry_after=2))
    started = time.monotonic()
    result = mirror(proxy.base_url, retries=1)
    assert time.monotonic() - started >= 2
    assert proxy.paths[:2] == ["/api/v1/panels/", "/api/v1/panels/"]
    assert result.fetched
