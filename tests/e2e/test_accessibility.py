"""axe-core finds no serious or critical accessibility violation on any kind of page, for any
role, on a phone."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from iompanama.roles import Role
from reports.models import PublishedFactsheet
from tests.e2e.test_avr_case import sign_in
from tests.factories import make_beneficiary, make_reach, make_site, make_user

SERIOUS = {"serious", "critical"}


def violations(page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [
        f"{page.url} {violation['id']}: {violation['help']} "
        f"({', '.join(node['target'][0] for node in violation['nodes'][:3])})"
        for violation in found
        if violation["impact"] in SERIOUS
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_kind_has_a_serious_accessibility_violation_for_any_role(live_server, page):
    darien = make_site("darien-office")
    field = make_user("ana", Role.FIELD_STAFF, [darien], first_name="Ana")
    make_user("maria", Role.SUPERVISOR, [darien], first_name="María")
    admin = make_user("carmen", Role.ADMINISTRATOR, first_name="Carmen")
    make_user("lector", Role.VIEWER)
    record = make_reach(darien, field, date=datetime.date(2023, 10, 2))
    record.submit(by=field)
    person = make_beneficiary(darien, field)
    factsheet = PublishedFactsheet.publish(
        datetime.date(2023, 7, 1), datetime.date(2023, 9, 30), by=admin
    )
    record_pages = [
        "/",
        "/activities/reach/",
        "/activities/reach/new/",
        record.get_absolute_url(),
        person.get_absolute_url(),
        "/cases/legal/new/",
    ]
    pages = {
        None: ["/accounts/login/", f"/reports/factsheets/{factsheet.pk}/", "/reports/factsheets/"],
        "ana": record_pages,
        "maria": [*record_pages, "/review/", "/reports/figures/"],
        "carmen": ["/", "/reports/figures/", "/locks/", "/admin/"],
        "lector": ["/", f"/reports/factsheets/{factsheet.pk}/"],
    }
    found = []
    for username, paths in pages.items():
        page.context.clear_cookies()
        if username:
            sign_in(page, live_server, username)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            found += violations(page)
    # A form that failed to save, with its error summary.
    sign_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/activities/reach/new/")
    page.get_by_role("button", name="Guardar como borrador").click()
    found += violations(page)
    assert found == [], "\n".join(found)
