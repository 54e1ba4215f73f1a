"""Shared fixtures of the PanelApp domain tests: people with each role, genes, and panels.

Everything runs on the session's real PostgreSQL (tests/fixtures/services.py).
"""

from __future__ import annotations

import pytest

from panels.imports.gene_records import SAMPLE_GENES_FILE, read_json_file, upsert_genes
from panels.services.entities import EntityFields, add_entity
from panels.services.panels import PanelFields, create_panel, update_panel

GREEN_SOURCE = "Expert Review Green"
MONOALLELIC = "MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted"
BIALLELIC = "BIALLELIC, autosomal or pseudoautosomal"


@pytest.fixture
def genes(db):
    """The sample gene table shipped with the app (real symbols, one withdrawn gene)."""
    upsert_genes(read_json_file(SAMPLE_GENES_FILE))


def make_user(username: str, user_type: str, **extra):
    from accounts.models import User

    user = User.objects.create_user(
        username=username,
        password="correct horse battery staple",
        email=f"{username}@example.org",
        first_name=extra.pop("first_name", username.capitalize()),
        last_name=extra.pop("last_name", "Tester"),
        **extra,
    )
    user.reviewer.user_type = user_type
    user.reviewer.affiliation = "Genomics England" if user_type == "GEL" else "NHS"
    user.reviewer.save()
    return user


@pytest.fixture
def curator(db):
    return make_user("curator", "GEL")


@pytest.fixture
def reviewer(db):
    return make_user("reviewer", "REVIEWER")


@pytest.fixture
def external(db):
    return make_user("external", "EXTERNAL")


@pytest.fixture
def make_panel(curator, genes):
    """``make_panel(name, genes=[...], status="public", ...)`` -> the live GenePanelSnapshot.

    A public panel is created internal and then published, as a curator would (version 0.1), then
    each gene is added by the curator with an expert green review (one minor bump each).
    """

    def make(name="Test Panel", *, status="public", genes=(), moi=MONOALLELIC, sources=(GREEN_SOURCE,), **fields):
        snapshot = create_panel(curator, PanelFields(name=name, status="internal", **fields))
        if status != "internal":
            publish = PanelFields.from_snapshot(snapshot)
            publish.status = status
            update_panel(snapshot, curator, publish)
        for symbol in genes:
            add_entity(snapshot, curator, "gene", EntityFields(gene_symbol=symbol, sources=list(sources), moi=moi))
        snapshot.refresh_from_db()
        return snapshot

    return make


@pytest.fixture
def api(client):
    """A JSON client for /api/v1/: ``api.get("panels/", page=2)`` -> response (``.json()``)."""

    class Api:
        def __init__(self, http):
            self.http = http

        def get(self, path: str, **query):
            return self.http.get(f"/api/v1/{path}", query, HTTP_ACCEPT="application/json")

        def json(self, path: str, **query):
            response = self.get(path, **query)
            assert response.status_code == 200, (path, response.status_code, response.content[:500])
            return response.json()

    return Api(client)


def add_str(snapshot, user, name="HTT_CAG", gene_symbol="HTT", **overrides):
    fields = EntityFields(
        name=name,
        gene_symbol=gene_symbol,
        chromosome="4",
        position_37=(3076604, 3076660),
        position_38=(3074877, 3074933),
        repeated_sequence="CAG",
        normal_repeats=35,
        pathogenic_repeats=40,
        moi=MONOALLELIC,
        sources=[GREEN_SOURCE],
        **overrides,
    )
    return add_entity(snapshot, user, "str", fields)


def add_region(snapshot, user, name="ISCA-37390-Loss", **overrides):
    fields = EntityFields(
        name=name,
        verbose_name="16p11.2 recurrent region (BP4-BP5) Loss",
        chromosome="16",
        position_37=None,
        position_38=(29638676, 30188531),
        haploinsufficiency_score="3",
        triplosensitivity_score="",
        required_overlap_percentage=60,
        type_of_variants="cnv_loss",
        moi=MONOALLELIC,
        sources=["Expert Review Amber"],
        **overrides,
    )
    return add_entity(snapshot, user, "region", fields)
