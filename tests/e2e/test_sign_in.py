"""A field staff member signs in on a phone, switches to English and sees their home page."""

import re

import pytest
from playwright.sync_api import expect

from iompanama.roles import Role
from tests.factories import PASSWORD, make_site, make_user


# The live server needs committed data; serialized_rollback keeps the provinces and role groups
# that migrations create.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_field_staff_sign_in_switch_to_english_and_see_their_home(live_server, page, tmp_path):
    make_user("ana", Role.FIELD_STAFF, [make_site("darien-office")], first_name="Ana")

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Hola, Ana")).to_be_visible()

    page.locator(".navbar-toggler").click()
    expect(page.locator("#menu")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("button", name="EN", exact=True).click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Hello, Ana")).to_be_visible()
    expect(page.locator("#my-entries").get_by_role("heading", name="My entries")).to_be_visible()
    page.screenshot(path=tmp_path / "home.png", full_page=True)
