"""Field staff log a donation with three item lines on a phone and submit it; a supervisor of
the site returns it with a reason, which the author then sees on their home page."""

import pytest
from playwright.sync_api import expect

from activities.models import Donation, Donor, ItemCategory
from iompanama.roles import Role
from tests.e2e.test_avr_case import sign_in
from tests.factories import make_site, make_user

ITEMS = [
    ("meals", "Almuerzos calientes", "300", "raciones"),
    ("nfi", "Kits de higiene", "120", "kits"),
    ("medical-supplies", "Sueros orales", "500", "sobres"),
]


# The live server needs committed data; serialized_rollback keeps the provinces, role groups and
# item categories that migrations create.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_field_staff_log_a_donation_and_see_why_the_supervisor_returned_it(
    live_server, page, tmp_path
):
    darien = make_site("darien-office")
    make_user("ana", Role.FIELD_STAFF, [darien], first_name="Ana")
    make_user("maria", Role.SUPERVISOR, [darien], first_name="María")
    donor = Donor.objects.create(name="Unión Europea", kind=Donor.Kind.DIRECT)

    sign_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/activities/donations/new/")
    page.select_option("select[name=site]", label="Darien Office")
    page.fill("input[name=delivery_date]", "2023-09-15")
    page.fill("input[name=recipient]", "Hospital de Metetí")
    page.select_option("select[name=donor]", str(donor.pk))
    for number, (category, description, quantity, unit) in enumerate(ITEMS):
        if number:
            page.get_by_role("button", name="Agregar una fila").click()
        row = f"items-{number}"
        category_name = ItemCategory.objects.get(code=category).name_es
        page.select_option(f"select[name={row}-category]", label=category_name)
        page.fill(f"input[name={row}-description]", description)
        page.fill(f"input[name={row}-quantity]", quantity)
        page.fill(f"input[name={row}-unit]", unit)
    page.screenshot(path=tmp_path / "donation-form.png", full_page=True)
    page.get_by_role("button", name="Guardar como borrador").click()

    for _category, description, _quantity, _unit in ITEMS:
        expect(page.locator("#items")).to_contain_text(description)
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.locator(".badge.status-submitted").first).to_be_visible()
    donation = Donation.objects.get()
    assert donation.status == "submitted"
    assert donation.items.count() == 3

    sign_in(page, live_server, "maria")
    page.goto(f"{live_server.url}{donation.get_absolute_url()}")
    page.fill("textarea[name=reason]", "Falta el recibo firmado.")
    page.get_by_role("button", name="Devolver al autor").click()
    expect(page.locator(".badge.status-returned").first).to_be_visible()

    sign_in(page, live_server, "ana")
    expect(page.locator("#my-entries")).to_contain_text("Falta el recibo firmado.")
    page.screenshot(path=tmp_path / "donation-returned.png", full_page=True)
    donation.refresh_from_db()
    assert donation.status == "returned"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_receipt_too_large_is_said_when_chosen_and_nothing_is_sent(live_server, page):
    darien = make_site("darien-office")
    make_user("ana", Role.FIELD_STAFF, [darien], first_name="Ana")
    sign_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/activities/donations/new/")
    page.fill("input[name=recipient]", "Hospital de Metetí")
    receipt = page.locator("input[name=receipt]")
    photo = {"name": "recibo.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8" * 3 * 2**20}
    receipt.set_input_files(files=[photo])
    message = receipt.evaluate("input => input.validationMessage")
    assert message == "El archivo supera los 5 MB."
    page.get_by_role("button", name="Guardar como borrador").click()
    expect(page).to_have_url(f"{live_server.url}/activities/donations/new/")
    expect(page.locator("input[name=recipient]")).to_have_value("Hospital de Metetí")
    assert not Donation.objects.exists()
