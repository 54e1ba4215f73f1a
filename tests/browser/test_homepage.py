"""The home page's sections, edited in the Django admin with the keyboard: they show on the home
page, and HTML or script typed into them is shown as text and never runs."""

import pytest
from playwright.sync_api import expect

from .conftest import log_in, type_into

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture
def staff(transactional_db):
    from accounts.models import User

    return User.objects.create_superuser("admin", "admin@example.org", "admin-pass-1234")


def test_staff_edit_the_home_page_in_the_admin(new_page, staff):
    page = new_page()
    log_in(page, "admin", "admin-pass-1234")
    page.goto("/admin/homepage/hometext/add/")
    type_into(page, "Section:", "1")
    type_into(page, "Title:", "Welcome to PanelApp")
    type_into(page, "Href:", "welcome")
    type_into(
        page,
        "Text:",
        "Curated **gene panels**.\n\n<script>window.pwned = 1</script>\n\n"
        '<img src="x" onerror="window.pwned = 2">\n\n[a link](javascript:window.pwned=3)',
    )
    page.get_by_role("button", name="Save", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto("/")
    section = page.locator("section#welcome")
    expect(section.get_by_role("heading", level=2)).to_have_text("Welcome to PanelApp")
    expect(section.locator("strong")).to_have_text("gene panels")
    expect(section).to_contain_text("<script>window.pwned = 1</script>")
    expect(section).to_contain_text('<img src="x" onerror="window.pwned = 2">')
    expect(section.get_by_role("link")).to_have_count(0)
    assert page.evaluate("typeof window.pwned") == "undefined"
    # The section is reached from the page's own list of sections, with the keyboard.
    page.get_by_role("navigation", name="On this page").get_by_role("link", name="Welcome to PanelApp").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/#welcome")
