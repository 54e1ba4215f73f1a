"""The editable home page: Markdown sections kept in the Django admin (PanelApp's HomeText),
shown in order on the home page, rendered so that no HTML or script the author writes runs."""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homepage.markdown import render
from homepage.models import HomeText

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

HOSTILE = (
    "<script>window.pwned = 1</script>\n\n"
    '<img src="x" onerror="window.pwned = 2">\n\n'
    "[click me](javascript:window.pwned=3) [data](data:text/html;base64,PHNjcmlwdD4=) "
    "[spaced](  JaVaScRiPt:alert(1)) [entity](&#106;avascript:alert(1))\n\n"
    '[quote](" onmouseover="window.pwned=4)\n\n'
    "`<iframe src=x>`\n\n"
    "```\n<style>body{display:none}</style>\n```"
)


@pytest.fixture
def admin_client(client):
    from accounts.models import User

    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "admin-pass"))
    return client


def test_sections_are_shown_in_order_as_markdown(client):
    HomeText.objects.create(section=2, title="Second", href="second", text="Plain *text* and **bold**.")
    HomeText.objects.create(
        section=1,
        title="About PanelApp",
        href="about",
        text="## What it is\n\nA list:\n\n- genes\n- [the API](/api/docs/)\n\n1. one\n2. two\n\nSee <https://example.org/a?b=1&c=2>.",
    )
    page = client.get("/").content.decode()
    assert page.index('id="about-title">About PanelApp</h2>') < page.index('id="second-title">Second</h2>')
    assert '<a href="#about">About PanelApp</a>' in page
    assert "<h4>What it is</h4>" in page
    assert '<ul>\n<li>genes</li>\n<li><a href="/api/docs/">the API</a></li>\n</ul>' in page
    assert "<ol>\n<li>one</li>\n<li>two</li>\n</ol>" in page
    assert '<a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a>' in page
    assert "<p>Plain <em>text</em> and <strong>bold</strong>.</p>" in page
    # The built-in content stays.
    assert "Find a panel" in page


class Elements(HTMLParser):
    """Every element and attribute of a piece of HTML, as a browser's parser sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


ALLOWED = {
    "section",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "a",
}


def test_no_html_or_script_of_the_author_reaches_the_page(client):
    HomeText.objects.create(section=1, title="<b>Title</b>", href="hostile", text=HOSTILE)
    page = client.get("/").content.decode()
    start = page.index('<section class="card home-text" id="hostile"')
    section = page[start : page.index("</section>", start)]
    parser = Elements()
    parser.feed(section)
    tags = {tag for tag, _ in parser.found}
    assert tags <= ALLOWED, tags
    for tag, attrs in parser.found:
        allowed = {"a": {"href"}, "section": {"class", "id", "aria-labelledby"}, "h2": {"id"}}.get(tag, set())
        assert set(attrs) <= allowed, (tag, attrs)
        if tag == "a":
            assert not attrs["href"].lower().lstrip().startswith(("javascript:", "data:", "vbscript:")), attrs
    # What the author wrote is shown as text.
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in section
    assert "&lt;b&gt;Title&lt;/b&gt;" in section
    # Unsafe links keep their text and lose the link.
    assert "click me" in section


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://panelapp.example.org/", True),
        ("http://x.org", True),
        ("mailto:curators@example.org", True),
        ("/panels/", True),
        ("#about", True),
        ("panels/1/", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("vbscript:x", False),
        ("data:text/html,x", False),
        ("//evil.example/", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_safe_links_are_kept(url, kept):
    html = render(f"[link]({url})")
    assert ("<a href=" in html) is kept, html


def test_the_admin_edits_the_sections(admin_client, client):
    add = admin_client.post(
        "/admin/homepage/hometext/add/",
        {"section": "1", "title": "Welcome", "href": "welcome", "text": "Hello **curators**"},
    )
    assert add.status_code == 302, add.content.decode()[:2000]
    bad = admin_client.post(
        "/admin/homepage/hometext/add/", {"section": "2", "title": "Bad", "href": 'x" onclick="y', "text": ""}
    )
    assert bad.status_code == 200 and "Letters, digits" in bad.content.decode()
    clash = admin_client.post(
        "/admin/homepage/hometext/add/", {"section": "3", "title": "Again", "href": "welcome", "text": ""}
    )
    assert clash.status_code == 200 and "already exists" in clash.content.decode()
    assert list(HomeText.objects.values_list("href", flat=True)) == ["welcome"]
    assert "Hello <strong>curators</strong>" in client.get("/").content.decode()
    section = HomeText.objects.get()
    change = admin_client.post(
        f"/admin/homepage/hometext/{section.pk}/change/",
        {"section": "1", "title": "Welcome", "href": "welcome", "text": "Changed"},
    )
    assert change.status_code == 302
    assert "<p>Changed</p>" in client.get("/").content.decode()


def test_the_home_page_reads_its_sections_in_one_query(client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured.captured_queries)

    HomeText.objects.create(section=1, title="One", href="one", text="one")
    few = queries()
    for n in range(2, 12):
        HomeText.objects.create(section=n, title=f"S{n}", href=f"s{n}", text=f"**{n}**")
    assert queries() == few
