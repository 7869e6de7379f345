import pytest
from playwright.sync_api import expect

from iompanama.roles import Role
from tests.e2e.test_offline import go_online_ready, save_reach_offline
from tests.factories import make_site, make_user

D = "/tmp/wt13-shots"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_shots(live_server, page):
    make_user("ana", Role.FIELD_STAFF, [make_site("darien-office")], first_name="Ana")
    go_online_ready(page, live_server, "ana")
    page.context.set_offline(True)
    save_reach_offline(page, live_server, "-4")
    save_reach_offline(page, live_server, "30")
    page.context.set_offline(False)
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator(".outbox-messages")).to_be_visible()
    page.context.set_offline(True)
    save_reach_offline(page, live_server, "12")
    page.screenshot(path=f"{D}/outbox-es.png", full_page=True)
    page.goto(f"{live_server.url}/cases/legal/new/")
    page.screenshot(path=f"{D}/legal-offline-es.png")
    page.goto(f"{live_server.url}/")
    page.screenshot(path=f"{D}/home-offline-es.png")
    page.context.set_offline(False)
    page.goto(f"{live_server.url}/outbox/")
    page.locator("button[lang=en]").click() if page.locator("button[lang=en]").is_visible() else None
    page.get_by_role("button", name="Menú").click()
    page.locator("button[lang=en]").click()
    expect(page.locator("body[data-offline-ready=true]")).to_be_attached()
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/outbox/")
    page.screenshot(path=f"{D}/outbox-en.png", full_page=True)
    page.goto(f"{live_server.url}/activities/reach/new/")
    page.screenshot(path=f"{D}/reach-offline-en.png")
