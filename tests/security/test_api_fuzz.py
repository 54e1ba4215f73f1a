"""The API fuzzed against its own schema: schemathesis generates requests for every operation of
/api/docs.json and every answer must be free of server errors and match the schema (status,
body, content type). On PostgreSQL, with panels, STRs, regions, reviews and a signed-off version
in the database; bounded in examples per operation and in total time."""

import time

import pytest
from django.core.wsgi import get_wsgi_application

from panels.services.reviews import ReviewFields, submit_review

from ..domain.conftest import add_region, add_str
from ..domain.test_api_panels import sign_off

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

EXAMPLES_PER_OPERATION = 25  # requests that fit the schema
NEGATIVE_EXAMPLES_PER_OPERATION = 10  # requests that break it: a 4xx, never a 5xx
BUDGET_SECONDS = 75


@pytest.fixture
def wsgi_app():
    """Django's WSGI application as gunicorn serves it, except that the end of a request leaves the
    test's database connection open (as Django's own test client does)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def data(make_panel, curator, reviewer):
    import datetime as dt

    snapshot = make_panel("Fuzzed panel", genes=["BRCA1", "TP53"], relevant_disorders=["R45"])
    add_str(snapshot, curator)
    add_region(snapshot, curator)
    submit_review(snapshot, snapshot.genepanelentrysnapshot_set.first(), reviewer, ReviewFields(rating="GREEN"))
    snapshot.refresh_from_db()
    sign_off(snapshot, curator, snapshot.version, dt.date(2024, 1, 5))
    make_panel("Second panel", genes=["BRCA1"])
    return snapshot


def test_no_generated_request_gets_a_server_error_or_an_answer_outside_the_schema(data, wsgi_app):
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

    schema = schemathesis.openapi.from_wsgi("/api/docs.json", wsgi_app)
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    failures: list[str] = []
    counted = {"cases": 0, "operations": 0}
    started = time.monotonic()

    for result in schema.get_all_operations():
        operation = result.ok()
        counted["operations"] += 1
        if time.monotonic() - started > BUDGET_SECONDS:
            failures.append(f"time budget spent before {operation.label}")
            break

        for mode, examples, current_checks in (
            (GenerationMode.POSITIVE, EXAMPLES_PER_OPERATION, checks),
            (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES_PER_OPERATION, [not_a_server_error]),
        ):

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                counted["cases"] += 1
                response = case.call()
                try:
                    case.validate_response(response, checks=current_checks)  # noqa: B023 - run() is called in this same iteration
                except AssertionError as error:  # schemathesis groups every failed check in one error
                    failures.append(f"{case.method} {case.formatted_path} {case.query}: {str(error)[:400]}")

            try:
                run()
            except Unsatisfiable:
                # Nothing to break in an operation without parameters: no negative case exists.
                if mode is not GenerationMode.NEGATIVE:
                    raise

    assert failures == [], "\n".join(failures[:20])
    # Every operation of the schema ran (22 today); hypothesis stops early where few inputs exist.
    assert counted["operations"] >= 20 and counted["cases"] >= 500, counted
