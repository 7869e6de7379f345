"""Field staff register a person and an AVR case with one family member on a phone and submit
it; a supervisor of the site approves it."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cases.models import AVRCase, Beneficiary
from iompanama.roles import Role
from tests.factories import PASSWORD, make_site, make_user


def sign_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device:  # administrators and supervisors: the code of their authenticator app
        expect(page.get_by_role("heading", name="Inicio de sesión en dos pasos")).to_be_visible()
        page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="Continuar").click()
        expect(page.get_by_role("heading", name="Inicio de sesión en dos pasos")).to_have_count(0)


def register(page, live_server, given: str, family: str, born: str) -> Beneficiary:
    page.goto(f"{live_server.url}/cases/beneficiaries/new/")
    page.select_option("select[name=site]", label="Darien Office")
    page.fill("input[name=given_names]", given)
    page.fill("input[name=family_names]", family)
    page.select_option("select[name=sex]", "female")
    page.fill("input[name=date_of_birth]", born)
    page.select_option("select[name=nationality]", "VE")
    page.select_option("select[name=residence_country]", "VE")
    page.check("input[name=consent_given]")
    page.fill("input[name=consent_date]", "2023-08-01")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("heading", name=f"{given} {family}")).to_be_visible()
    return Beneficiary.objects.get(given_names=given)


def choose_person(page, field_id: str, typed: str, name: str) -> None:
    """Types part of a name in a person field and picks the person from what is found."""
    page.fill(f"#{field_id}-ts-control", typed)
    page.locator(f"#{field_id}-ts-dropdown .option", has_text=name).click()


# The live server needs committed data; serialized_rollback keeps the provinces and role groups
# that migrations create.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_field_staff_enter_an_avr_case_with_family_and_a_supervisor_approves_it(
    live_server, page, tmp_path
):
    darien = make_site("darien-office")
    make_user("ana", Role.FIELD_STAFF, [darien], first_name="Ana")
    make_user("maria", Role.SUPERVISOR, [darien], first_name="María")

    sign_in(page, live_server, "ana")
    principal = register(page, live_server, "Yelitza", "Rondón Paz", "1988-03-02")
    daughter = register(page, live_server, "Valentina", "Rondón Paz", "2015-11-20")

    page.goto(f"{live_server.url}/cases/avr/new/")
    page.select_option("select[name=site]", label="Darien Office")
    choose_person(page, "id_principal", "rondon paz", "Yelitza")
    page.select_option("select[name=return_country]", "VE")
    page.fill("input[name=orientation_date]", "2023-08-01")
    page.fill("input[name=application_date]", "2023-08-10")
    page.locator("[data-formset-add]").click()
    choose_person(page, "id_family-0-beneficiary", "valentina", "Valentina")
    page.select_option("select[name=family-0-relationship]", "child")
    page.screenshot(path=tmp_path / "avr-form.png", full_page=True)
    page.get_by_role("button", name="Guardar como borrador").click()

    expect(page.locator("#family")).to_contain_text("Valentina Rondón Paz")
    expect(page.locator("#timeline")).to_contain_text("10/08/2023")
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.locator(".badge.status-submitted").first).to_be_visible()
    case = AVRCase.objects.get()
    assert case.status == "submitted"

    sign_in(page, live_server, "maria")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("button", name="Aprobar", exact=True).click()
    expect(page.locator(".badge.status-approved").first).to_be_visible()
    page.screenshot(path=tmp_path / "avr-approved.png", full_page=True)
    case.refresh_from_db()
    assert case.status == "approved"
    assert case.principal == principal
    assert [member.beneficiary for member in case.family.all()] == [daughter]
