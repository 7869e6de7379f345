"""Field entry on a phone: errors seen at once, a person found by typing, a person registered
from a case form without losing what was typed, one action to send for review; a supervisor
clears the queue."""

import pytest
from playwright.sync_api import expect

from activities.models import CommunicationReach
from cases.models import LegalOrientationCase
from iompanama.roles import Role
from tests.e2e.test_avr_case import choose_person, register, sign_in
from tests.factories import make_reach, make_site, make_user


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_save_shows_its_errors_first_with_the_focus_on_them(live_server, page):
    make_user("ana", Role.FIELD_STAFF, [make_site("darien-office")], first_name="Ana")
    sign_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/activities/reach/new/")
    page.fill("input[name=people_reached]", "-4")
    page.get_by_role("button", name="Guardar como borrador").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    summary.get_by_role("link", name="Personas alcanzadas").click()
    expect(page.locator("#id_people_reached")).to_be_focused()
    assert not CommunicationReach.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_legal_case_names_a_person_found_by_typing_or_registered_on_the_way(
    live_server, page, tmp_path
):
    darien = make_site("darien-office")
    make_user("ana", Role.FIELD_STAFF, [darien], first_name="Ana")
    sign_in(page, live_server, "ana")
    register(page, live_server, "Yelitza", "Rondón Paz", "1988-03-02")

    page.goto(f"{live_server.url}/cases/legal/new/")
    choose_person(page, "id_beneficiary", "rondon", "Yelitza Rondón Paz")
    expect(page.locator("#id_beneficiary")).to_have_value(
        str(LegalOrientationCase._meta.get_field("beneficiary").related_model.objects.get().pk)
    )

    # Someone else arrives: registered from the form, and back to it with what was typed.
    page.fill("textarea[name=outcome]", "Orientada sobre el permiso de trabajo")
    page.check("input[name=topic_work]")
    page.get_by_role("link", name="Registrar una persona beneficiaria").click()
    page.fill("input[name=given_names]", "Dayana")
    page.fill("input[name=family_names]", "Coromoto Gil")
    page.select_option("select[name=sex]", "female")
    page.fill("input[name=date_of_birth]", "1995-06-11")
    page.select_option("select[name=nationality]", "VE")
    page.select_option("select[name=residence_country]", "VE")
    page.check("input[name=consent_given]")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator("textarea[name=outcome]")).to_have_value(
        "Orientada sobre el permiso de trabajo"
    )
    expect(page.locator("input[name=topic_work]")).to_be_checked()
    expect(page.locator("#id_beneficiary-ts-control").locator("..")).to_contain_text("Dayana")
    page.fill("input[name=sessions-0-date]", page.input_value("input[name=opened_on]"))
    page.check("input[name=sessions-0-topic_work]")
    page.fill("input[name=sessions-0-counsellor]", "Lcda. Ríos")
    page.screenshot(path=tmp_path / "legal-form.png", full_page=True)
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.locator(".badge.status-submitted").first).to_be_visible()
    case = LegalOrientationCase.objects.get()
    assert (case.status, str(case.beneficiary)) == ("submitted", "Dayana Coromoto Gil")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_supervisor_filters_the_queue_selects_all_and_approves(live_server, page):
    darien = make_site("darien-office")
    field = make_user("ana", Role.FIELD_STAFF, [darien], first_name="Ana")
    make_user("maria", Role.SUPERVISOR, [darien], first_name="María")
    for people in (10, 20, 30):
        make_reach(darien, field, people_reached=people).submit(by=field)
    sign_in(page, live_server, "maria")
    page.goto(f"{live_server.url}/review/")
    expect(page.locator("#waiting")).to_have_text("3")
    page.select_option("select[name=kind]", "activities.communicationreach")
    page.get_by_role("button", name="Filtrar").click()
    page.get_by_label("Seleccionar todos en esta página").check()
    expect(page.locator("[data-queue-tick]:checked")).to_have_count(3)
    page.get_by_role("button", name="Aprobar los registros marcados").first.click()
    expect(page.locator("#waiting")).to_have_text("0")
    assert set(CommunicationReach.objects.values_list("status", flat=True)) == {"approved"}
