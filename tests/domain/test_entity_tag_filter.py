"""The tag filter of a gene's page across panels (/panels/entities/<name>?tag_filter=)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panels.services.entities import get_entity, set_tags

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def tagged(make_panel, curator):
    made = [make_panel(name, genes=["BRCA1"]) for name in ("Alpha panel", "Beta panel", "Gamma panel")]
    set_tags(made[0], get_entity(made[0], "gene", "BRCA1"), curator, ["watchlist", "adult-onset"])
    set_tags(made[1], get_entity(made[1], "gene", "BRCA1"), curator, ["watchlist"])
    return made


def panel_names(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [name for name in ("Alpha panel", "Beta panel", "Gamma panel") if name in body]


def test_the_filter_keeps_the_panels_where_the_gene_has_the_tag(client, tagged):
    page = client.get("/panels/entities/BRCA1").content.decode()
    assert panel_names(page) == ["Alpha panel", "Beta panel", "Gamma panel"]
    assert '<option value="adult-onset">adult-onset</option>' in page and '<option value="watchlist">' in page
    watchlist = client.get("/panels/entities/BRCA1", {"tag_filter": "watchlist"}).content.decode()
    assert panel_names(watchlist) == ["Alpha panel", "Beta panel"]
    assert "2 panels with BRCA1 tagged watchlist." in watchlist
    assert '<option value="watchlist" selected>' in watchlist  # the choice is kept
    assert panel_names(client.get("/panels/entities/BRCA1", {"tag_filter": "adult-onset"}).content.decode()) == [
        "Alpha panel"
    ]
    nothing = client.get("/panels/entities/BRCA1", {"tag_filter": "no-such-tag"})
    assert nothing.status_code == 200 and "0 panels with BRCA1 tagged no-such-tag." in nothing.content.decode()


def test_the_filter_costs_the_same_whatever_the_tag(client, tagged):
    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/panels/entities/BRCA1", params).status_code == 200
        return len(captured.captured_queries)

    assert queries({}) == queries({"tag_filter": "watchlist"}) == queries({"tag_filter": "none"})
