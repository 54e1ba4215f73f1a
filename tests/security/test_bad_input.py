"""F6/F7: hostile values in every path segment and query parameter of every route are a 4xx,
never a 500 (PostgreSQL here; SQLite in test_bad_input_sqlite.py). The table is probes.ROUTES."""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from panels.services.reviews import ReviewFields, submit_review

from ..domain.conftest import add_str
from . import probes


def route_names(resolver=None, namespace=""):
    """``namespace:name`` of every URL pattern (the admin's own pages excepted: Django's admin,
    staff only; its one PanelApp route, confirm_reviewer, is listed)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from route_names(pattern, inner)
        elif namespace == "admin:" and pattern.name != "accounts_user_confirm_reviewer":
            continue
        else:
            yield namespace + (pattern.name or "crowdsourcing")


def test_every_route_is_covered_by_the_bad_input_probes():
    """A new route without probes fails here: add it to probes.ROUTES."""
    names = set(route_names())
    assert "admin:accounts_user_confirm_reviewer" in names and "api:v1:genes-list" in names
    assert sorted(names - set(probes.ROUTES)) == []
    assert sorted(set(probes.ROUTES) - names) == []


@pytest.fixture
def context(make_panel, curator, reviewer):
    snapshot = make_panel("Probed", genes=["BRCA1"])
    add_str(snapshot, curator)
    gene = snapshot.genepanelentrysnapshot_set.get()
    review = submit_review(snapshot, gene, reviewer, ReviewFields(rating="GREEN", comment="ok"))
    return probes.Context(panel=snapshot.panel_id, gene="BRCA1", str="HTT_CAG", review=getattr(review, "pk", 1))


@pytest.mark.postgres
@pytest.mark.django_db
def test_no_hostile_value_gives_a_server_error(context, curator):
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(curator)
    failures = probes.run({"anonymous": Client(raise_request_exception=False), "curator": signed_in}, context)
    slowest = sorted(context.timings.items(), key=lambda i: -i[1])[:12]
    print("slowest", [(n, round(t, 1)) for n, t in slowest])
    assert failures == [], "\n".join(map(repr, failures))
    assert len(context.answers) > 2000


def test_no_hostile_value_gives_a_server_error_on_the_embedded_default(tmp_path):
    """SQLite overflows on ids beyond 64 bits and decodes JSON text differently: the same probes."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from tests.runtime.conftest import command_env

    script = Path(__file__).with_name("sqlite_probe.py")
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "state")],
        env=command_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["failures"] == [], "\n".join(map(repr, result["failures"]))
    assert result["probes"] > 2000
    # F18: JSON strings stay strings on SQLite (a version "1.0" once came back as the number 1.0).
    [item] = result["signed_off"]
    assert isinstance(item["version"], str) and item["name"] == "12345" and item["hash_id"] is None
    # F15: uploaded files (reviews hold names and comments) are for curators only.
    assert result["media"] == {"anonymous": 404, "reviewer": 404, "curator": 200}
