"""The weekly MOI consistency check (Genomics England's PanelApp ``moi_check``): green genes of
released public panels are checked against their chromosome and across panels, and the problems
are mailed to the curators as a CSV; OMIM is asked only with a key (here a fake on loopback)."""

import csv
import http.server
import io
import json
import logging
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from celery.schedules import crontab
from django.utils import timezone

from moi_checks.tasks import moi_check
from panels.models import GenePanelEntrySnapshot
from panels.services.entities import EntityFields, add_entity
from panels.services.panels import PanelFields, promote, update_panel
from runtime.environment import ConfigurationError
from runtime.scheduled import read_settings

from .conftest import BIALLELIC, MONOALLELIC

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

X_LINKED = "X-LINKED: hemizygous mutation in males, biallelic mutations in females"
IMPRINTING_UNKNOWN = "MONOALLELIC, autosomal or pseudoautosomal, imprinted status unknown"
NOT_ALLOWED = "MOI Not Allowed Values"
ACROSS = "Across Panel Checks"
HEADER = ["check_type", "gene", "panel", "panel_id", "moi", "message"]


def released(make_panel, curator, name, genes, sources=("Expert Review Green",)):
    """A public panel promoted to 1.0 with ``genes``: {symbol: moi}."""
    snapshot = make_panel(name, genes=[])
    for symbol, moi in genes.items():
        add_entity(snapshot, curator, "gene", EntityFields(gene_symbol=symbol, sources=list(sources), moi=moi))
    promote(snapshot, curator, "first release")
    snapshot.refresh_from_db()
    return snapshot


def the_report(mailoutbox):
    [message] = mailoutbox
    [(filename, content, mimetype)] = message.attachments
    return message, filename, mimetype, list(csv.reader(io.StringIO(content)))


def test_the_check_mails_the_curators_a_csv_of_every_problem(make_panel, curator, mailoutbox, settings):
    one = released(
        make_panel,
        curator,
        "MOI panel one",
        {
            "DMD": BIALLELIC,  # on X, not X-linked
            "BRCA1": X_LINKED,  # X-linked, on 17
            "MT-ND1": "MITOCHONDRIAL",  # made MONOALLELIC below, as data older than PanelApp's rule may be
            "PTEN": "MITOCHONDRIAL",  # mitochondrial, on 10
            "TP53": "Other",
            "MLH1": "Unknown",
            "APC": MONOALLELIC,  # BIALLELIC on panel two
            "MECP2": X_LINKED,  # right
            "MT-TL1": "MITOCHONDRIAL",  # right
        },
    )
    two = released(make_panel, curator, "MOI panel two", {"APC": BIALLELIC, "MSH2": MONOALLELIC})
    # The two MONOALLELIC values PanelApp treats as one: no disagreement.
    released(make_panel, curator, "MOI panel three", {"MSH2": IMPRINTING_UNKNOWN})
    # Not checked: a panel before 1.0, an internal panel, an amber gene.
    make_panel("MOI draft", genes=["FMR1"], moi=BIALLELIC)
    internal = released(make_panel, curator, "MOI internal", {"CDKL5": BIALLELIC})
    fields = PanelFields.from_snapshot(internal)
    fields.status = "internal"
    update_panel(internal, curator, fields)
    released(make_panel, curator, "MOI amber", {"ARX": BIALLELIC}, sources=("Expert Review Amber",))

    GenePanelEntrySnapshot.objects.filter(panel=one, gene_core_id="MT-ND1").update(moi=MONOALLELIC)

    moi_check.delay()

    message, filename, mimetype, rows = the_report(mailoutbox)
    today = timezone.localdate().isoformat()
    assert message.subject == f"MOI Errors - {today}"
    assert message.to == [settings.PANEL_APP_EMAIL]
    assert message.body == "Errors are attached in csv file."
    assert (filename, mimetype) == (f"incorrect_moi_{today}.csv", "text/csv")
    p1, p2, id1 = f"MOI panel one v{one.version}", f"MOI panel two v{two.version}", str(one.panel_id)
    assert rows[0] == HEADER
    assert sorted(rows[1:]) == sorted(
        [
            [ACROSS, "APC", p1, id1, MONOALLELIC, f"Is {BIALLELIC} on {p2}"],
            [
                NOT_ALLOWED,
                "BRCA1",
                p1,
                id1,
                X_LINKED,
                f"Green gene BRCA1 on chromosome 17 with X-LINKED MOI on panel {p1}",
            ],
            [
                NOT_ALLOWED,
                "DMD",
                p1,
                id1,
                BIALLELIC,
                f"Green gene DMD on chromosome X with {BIALLELIC} MOI on panel {p1}",
            ],
            [NOT_ALLOWED, "MLH1", p1, id1, "Unknown", f"Green gene MLH1 with Unknown MOI on panel {p1}"],
            [
                NOT_ALLOWED,
                "MT-ND1",
                p1,
                id1,
                MONOALLELIC,
                f"Green gene MT-ND1 on chromosome MT with {MONOALLELIC} MOI on panel {p1}",
            ],
            [
                NOT_ALLOWED,
                "PTEN",
                p1,
                id1,
                "MITOCHONDRIAL",
                f"Green gene PTEN on chromosome 10 with MITOCHONDRIAL MOI on panel {p1}",
            ],
            [NOT_ALLOWED, "TP53", p1, id1, "Other", f"Green gene TP53 with Other MOI on panel {p1}"],
        ]
    )


def test_no_problem_no_email(make_panel, curator, mailoutbox):
    released(make_panel, curator, "Clean panel", {"MECP2": X_LINKED, "BRCA1": MONOALLELIC})
    assert moi_check.delay().get() == 0
    assert mailoutbox == []


class FakeOmim(http.server.ThreadingHTTPServer):
    """OMIM's entry endpoint on 127.0.0.1: {mim: inheritance text}; "500" answers an error,
    "garbage" text that is not JSON."""

    def __init__(self, answers):
        self.answers = answers
        self.requests = []
        super().__init__(("127.0.0.1", 0), FakeOmimHandler)


class FakeOmimHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)
        self.server.requests.append(query)
        answer = self.server.answers.get(query["mimNumber"][0])
        if answer == "500":
            self.send_response(500)
            self.end_headers()
            return
        body = (
            b"<html>not json"
            if answer == "garbage"
            else json.dumps(
                {
                    "omim": {
                        "entryList": [
                            {
                                "entry": {
                                    "geneMap": {
                                        "phenotypeMapList": [{"phenotypeMap": {"phenotypeInheritance": answer}}]
                                    }
                                }
                            }
                        ]
                    }
                }
            ).encode()
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_omim():
    servers = []

    def start(answers):
        server = FakeOmim(answers)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_with_a_key_omim_is_asked_and_disagreements_reported(
    make_panel, curator, mailoutbox, settings, fake_omim, caplog
):
    # BRCA1 113705, TP53 191170, APC 611731, MLH1 120436 in the sample genes.
    omim = fake_omim(
        {
            "113705": "Autosomal dominant",
            "191170": "Autosomal recessive; Autosomal recessive",
            "611731": "500",
            "120436": "garbage",
        }
    )
    settings.OMIM_API_KEY = "secret-omim-key"
    settings.OMIM_API_URL = f"http://127.0.0.1:{omim.server_address[1]}/api/entry"
    panel = released(
        make_panel,
        curator,
        "OMIM panel",
        {"BRCA1": MONOALLELIC, "TP53": MONOALLELIC, "APC": BIALLELIC, "MLH1": BIALLELIC},
    )
    with caplog.at_level(logging.INFO):
        moi_check.delay()
    _, _, _, rows = the_report(mailoutbox)
    name = f"OMIM panel v{panel.version}"
    assert rows[1:] == [
        [
            "OMIM Comparison",
            "TP53",
            name,
            str(panel.panel_id),
            MONOALLELIC,
            f"Green gene TP53 with discrepant OMIM MOI {{'Autosomal recessive'}} and {MONOALLELIC} on panel {name}",
        ]
    ]
    asked = sorted(q["mimNumber"][0] for q in omim.requests)
    assert asked == ["113705", "120436", "191170", "611731"]
    assert all(
        q["apiKey"] == ["secret-omim-key"] and q["include"] == ["geneMap", "externalLinks"] for q in omim.requests
    )
    assert "secret-omim-key" not in caplog.text
    assert "OMIM answered HTTP 500 for MIM 611731" in caplog.text


def test_without_a_key_omim_is_never_asked(make_panel, curator, mailoutbox, settings, fake_omim):
    omim = fake_omim({"191170": "Autosomal recessive"})
    settings.OMIM_API_KEY = None
    settings.OMIM_API_URL = f"http://127.0.0.1:{omim.server_address[1]}/api/entry"
    released(make_panel, curator, "No OMIM panel", {"TP53": MONOALLELIC})
    assert moi_check.delay().get() == 0
    assert omim.requests == [] and mailoutbox == []


def test_the_schedule_is_weekly_and_configurable(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["moi-check"]
    assert entry["task"] == "moi_checks.tasks.moi_check"
    assert entry["schedule"] == crontab(minute=30, hour=6, day_of_week="sun")  # PanelApp's Sunday 06:30

    custom = read_settings({"MOI_CHECK_DAY_OF_WEEK": "wed", "MOI_CHECK_HOUR": "7", "MOI_CHECK_MINUTE": "15"})
    assert custom.beat_schedule()["moi-check"]["schedule"] == crontab(minute=15, hour=7, day_of_week="wed")
    assert read_settings({"ACTIVE_SCHEDULED_TASKS": ""}).beat_schedule() == {}
    assert read_settings({"OMIM_API_KEY": "k"}).omim_api_key == "k"

    with pytest.raises(ConfigurationError) as problems:
        read_settings(
            {
                "MOI_CHECK_DAY_OF_WEEK": "someday",
                "MOI_CHECK_HOUR": "24",
                "MOI_CHECK_MINUTE": "x",
                "ACTIVE_SCHEDULED_TASKS": "moi-check,mirror",
                "OMIM_API_URL": "ftp://omim",
                "OMIM_API_KEY": "do-not-show",
            }
        )
    text = str(problems.value)
    for name in (
        "MOI_CHECK_DAY_OF_WEEK",
        "MOI_CHECK_HOUR",
        "MOI_CHECK_MINUTE",
        "ACTIVE_SCHEDULED_TASKS",
        "OMIM_API_URL",
    ):
        assert name in text, text
    assert "do-not-show" not in text
