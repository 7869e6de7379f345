"""Entry without a connection, in Chromium with the network switched off: the forms open from the
device, what is saved waits in the outbox (surviving a closed page), and is sent once, in order,
when the connection is back; a refusal comes back with the server's words; signing out leaves
nothing of the user on the device; the app passes Chromium's installability checks."""

import datetime

import pytest
from playwright.sync_api import expect

from activities.models import CommunicationReach
from cases.models import AVRCase, Beneficiary, LegalOrientationCase
from iompanama import offline
from iompanama.models import PeriodLock
from iompanama.roles import Role
from tests.e2e.test_avr_case import choose_person, sign_in
from tests.factories import PASSWORD, make_beneficiary, make_site, make_user

OUTBOX_ITEMS = """() => new Promise((resolve) => {
  const open = indexedDB.open("iom-offline");
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("outbox")) { db.close(); resolve([]); return; }
    const all = db.transaction("outbox").objectStore("outbox").getAll();
    all.onsuccess = () => { db.close(); resolve(all.result.map((item) => ({...item, entries:
      item.entries.filter((entry) => typeof entry[1] === "string")}))); };
  };
})"""
PUT_BACK = """(items) => new Promise((resolve) => {
  const open = indexedDB.open("iom-offline");
  open.onsuccess = () => {
    const db = open.result;
    const transaction = db.transaction("outbox", "readwrite");
    items.forEach((item) => transaction.objectStore("outbox").put(item));
    transaction.oncomplete = () => { db.close(); resolve(); };
  };
})"""
DATABASES = "() => indexedDB.databases().then((all) => all.map((db) => db.name))"
CACHES = "() => caches.keys()"


def go_online_ready(page, live_server, username: str) -> None:
    """Signs in and waits until the service worker has kept the pages for offline use."""
    sign_in(page, live_server, username)
    expect(page.locator("body[data-offline-ready=true]")).to_be_attached()


def register_offline(page, given: str, family: str) -> None:
    page.select_option("select[name=site]", label="Darien Office")
    page.fill("input[name=given_names]", given)
    page.fill("input[name=family_names]", family)
    page.select_option("select[name=sex]", "female")
    page.fill("input[name=date_of_birth]", "1990-04-12")
    page.select_option("select[name=nationality]", "VE")
    page.select_option("select[name=residence_country]", "VE")
    page.check("input[name=consent_given]")
    page.fill("input[name=consent_date]", "2023-08-01")
    page.get_by_role("button", name="Guardar").click()


def fill_legal_case(page, date: str = "2023-08-01") -> None:
    page.select_option("select[name=site]", label="Darien Office")
    page.fill("input[name=opened_on]", date)
    page.check("input[name=topic_work]")
    page.fill("textarea[name=outcome]", "Orientada sobre el permiso de trabajo")
    page.fill("input[name=sessions-0-date]", date)
    page.check("input[name=sessions-0-topic_work]")
    page.fill("input[name=sessions-0-counsellor]", "Lcda. Ríos")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_person_and_a_case_naming_them_entered_offline_arrive_once(
    live_server, offline_page, tmp_path
):
    page = offline_page
    make_user("ana", Role.FIELD_STAFF, [make_site("darien-office")], first_name="Ana")
    go_online_ready(page, live_server, "ana")
    page.context.set_offline(True)

    page.goto(f"{live_server.url}/")
    expect(page.locator("#offline-banner")).to_be_visible()
    page.goto(f"{live_server.url}/cases/legal/new/")
    fill_legal_case(page)
    page.get_by_role("link", name="Registrar una persona beneficiaria").click()
    register_offline(page, "Dayana", "Coromoto Gil")
    # Back to the case, with what was typed and the person just registered on the device.
    expect(page.locator("textarea[name=outcome]")).to_have_value(
        "Orientada sobre el permiso de trabajo"
    )
    expect(page.locator("#id_beneficiary-ts-control").locator("..")).to_contain_text("Dayana")
    page.get_by_role("button", name="Enviar a revisión").click()
    expect(page.locator("#outbox-badge")).to_have_text("Por enviar (2)")
    page.screenshot(path=tmp_path / "outbox-es.png", full_page=True)

    # The page is closed and opened again: the outbox is still there.
    page.close()
    page = page.context.new_page()
    page.goto(f"{live_server.url}/outbox/")
    expect(page.locator(".outbox-item")).to_have_count(2)
    assert not Beneficiary.objects.exists()
    saved = page.evaluate(OUTBOX_ITEMS)

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#outbox-sent li")).to_have_count(2)
    expect(page.locator(".outbox-item")).to_have_count(0)
    expect(page.locator("#outbox-badge")).to_be_hidden()
    person = Beneficiary.objects.get()
    case = LegalOrientationCase.objects.get()
    assert (str(person), case.beneficiary, case.status) == (
        "Dayana Coromoto Gil",
        person,
        "submitted",
    )
    # Their history says who entered them, as for a record typed online.
    assert [row.history_user for row in person.history.all()] == [person.created_by]
    assert case.history.first().history_user == person.created_by
    assert case.transitions.filter(to_status="submitted").count() == 1
    # Pages that show a person are never kept on the device.
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    kept = page.evaluate(
        "() => caches.open('iom-pages').then((cache) => cache.keys())"
        ".then((requests) => requests.map((request) => new URL(request.url).pathname))"
    )
    assert person.get_absolute_url() not in kept
    assert set(kept) <= set(offline.offline_pages(person.created_by))
    page.goto(f"{live_server.url}/outbox/")

    # The same outbox sent again (a retry after a lost answer): nothing is made twice.
    page.evaluate(PUT_BACK, saved)
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator(".outbox-item")).to_have_count(0)
    assert (Beneficiary.objects.count(), LegalOrientationCase.objects.count()) == (1, 1)


def save_reach_offline(page, live_server, people: str, date: str = "") -> None:
    page.goto(f"{live_server.url}/activities/reach/new/")
    page.select_option("select[name=site]", label="Darien Office")
    if date:
        page.fill("input[name=date]", date)
    page.select_option("select[name=channel]", "whatsapp")
    page.fill("input[name=campaign]", "Rutas seguras")
    page.fill("input[name=people_reached]", people)
    page.get_by_role("button", name="Guardar como borrador").click()
    page.wait_for_url("**/outbox/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_record_the_server_refuses_comes_back_with_its_reason(live_server, offline_page):
    page = offline_page
    make_user("ana", Role.FIELD_STAFF, [make_site("darien-office")], first_name="Ana")
    go_online_ready(page, live_server, "ana")
    page.context.set_offline(True)
    save_reach_offline(page, live_server, "-4")
    expect(page.locator(".outbox-item")).to_have_count(1)
    # A page not kept on the device (a list of records) opens the outbox instead of an error.
    page.goto(f"{live_server.url}/activities/reach/")
    expect(page.locator(".outbox-item")).to_have_count(1)

    page.context.set_offline(False)
    page.goto(f"{live_server.url}/outbox/")
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator(".outbox-messages")).to_contain_text("Personas alcanzadas")
    expect(page.locator(".outbox-item")).to_have_count(1)
    assert not CommunicationReach.objects.exists()

    # Corrected on the device, it is sent.
    page.get_by_role("link", name="Editar").click()
    expect(page.locator("input[name=people_reached]")).to_have_value("-4")
    expect(page.locator("input[name=campaign]")).to_have_value("Rutas seguras")
    page.fill("input[name=people_reached]", "40")
    page.get_by_role("button", name="Guardar como borrador").click()
    expect(page.locator("#outbox-sent li")).to_have_count(1)
    expect(page.locator(".outbox-item")).to_have_count(0)
    reach = CommunicationReach.objects.get()
    assert (reach.people_reached, reach.status) == (40, "draft")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_record_of_a_period_locked_meanwhile_is_kept_with_the_reason(live_server, offline_page):
    page = offline_page
    admin = make_user("admin", Role.ADMINISTRATOR, [])
    make_user("ana", Role.FIELD_STAFF, [make_site("darien-office")], first_name="Ana")
    go_online_ready(page, live_server, "ana")
    page.context.set_offline(True)
    save_reach_offline(page, live_server, "25", date="2023-08-01")
    # While the phone is offline, the quarter is published and locked.
    PeriodLock.objects.create(
        start=datetime.date(2023, 7, 1),
        end=datetime.date(2023, 9, 30),
        factsheet="T3 2023 v1",
        locked_by=admin,
    )
    page.context.set_offline(False)
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator(".outbox-messages")).to_contain_text("T3 2023 v1")
    expect(page.locator(".outbox-item")).to_have_count(1)
    assert not CommunicationReach.objects.exists()


def saved_offline_then_signed_out(page, live_server) -> None:
    """Ana saves a record offline; her session ends while the phone is offline; it is back."""
    make_user("ana", Role.FIELD_STAFF, [make_site("darien-office")], first_name="Ana")
    go_online_ready(page, live_server, "ana")
    page.context.set_offline(True)
    save_reach_offline(page, live_server, "25")
    expect(page.locator(".outbox-item")).to_have_count(1)
    page.context.clear_cookies()
    page.context.set_offline(False)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_sender_never_posts_with_a_kept_copy_of_the_form(live_server, offline_page):
    """The sender fetches the form again for a fresh CSRF token. If that fails (the connection
    not quite back), the record waits: the copy kept for working offline holds an old token,
    which a phone whose session ended would post, and the server would refuse the record as
    forged where it should ask to sign in (seen once on a busy machine)."""
    page = offline_page
    saved_offline_then_signed_out(page, live_server)
    form = f"{live_server.url}/activities/reach/new/"
    posted = []
    page.context.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    page.context.route(
        form, lambda route: route.abort() if route.request.method == "GET" else route.fallback()
    )
    page.get_by_role("button", name="Enviar ahora").click()
    page.wait_for_timeout(2000)  # the sender's try, which fails
    assert posted == []
    expect(page.locator(".outbox-messages")).not_to_be_visible()
    page.context.unroute(form)
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("#outbox-sign-in")).to_be_visible()
    assert not CommunicationReach.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_session_ended_while_offline_leads_to_signing_in_then_sending(live_server, offline_page):
    page = offline_page
    saved_offline_then_signed_out(page, live_server)
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("#outbox-sign-in")).to_be_visible()
    assert not CommunicationReach.objects.exists()

    page.locator("#outbox-sign-in a").click()
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.locator("#outbox-sent li")).to_have_count(1)
    expect(page.locator("#outbox-sign-in")).to_be_hidden()
    assert CommunicationReach.objects.get().people_reached == 25


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_version_of_the_app_keeps_the_outbox(live_server, offline_page, monkeypatch):
    page = offline_page
    make_user("ana", Role.FIELD_STAFF, [make_site("darien-office")], first_name="Ana")
    go_online_ready(page, live_server, "ana")
    page.context.set_offline(True)
    save_reach_offline(page, live_server, "-4")
    page.context.set_offline(False)
    expect(page.locator(".outbox-messages")).to_be_visible()  # refused: it stays
    old = {name for name in page.evaluate(CACHES) if name.startswith("iom-static-")}

    # A release: the static files changed, so the worker's script is new.
    monkeypatch.setattr(offline, "app_version", lambda: "newrelease01")
    page.evaluate(
        """() => navigator.serviceWorker.getRegistration().then((registration) =>
          new Promise((resolve) => {
            navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true });
            registration.update();
          }))"""
    )
    expect(page.locator(".outbox-item")).to_have_count(1)
    page.reload()
    expect(page.locator(".outbox-item")).to_have_count(1)
    expect(page.locator(".outbox-messages")).to_contain_text("Personas alcanzadas")
    names = set(page.evaluate(CACHES))
    assert "iom-static-newrelease01" in names
    assert not old & names


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_avr_case_with_family_is_corrected_on_the_device_and_deleted_entries_never_leave(
    live_server, offline_page
):
    page = offline_page
    darien = make_site("darien-office")
    ana = make_user("ana", Role.FIELD_STAFF, [darien], first_name="Ana")
    principal = make_beneficiary(darien, ana, given_names="Yelitza", family_names="Rondón Paz")
    daughter = make_beneficiary(darien, ana, given_names="Valentina", family_names="Rondón Paz")
    go_online_ready(page, live_server, "ana")
    page.context.set_offline(True)
    save_reach_offline(page, live_server, "7")
    page.goto(f"{live_server.url}/cases/avr/new/")
    page.select_option("select[name=site]", label="Darien Office")
    choose_person(page, "id_principal", "yelitza", "Yelitza")
    page.select_option("select[name=return_country]", "VE")
    page.fill("input[name=orientation_date]", "2023-08-01")
    page.locator("[data-formset-add]").click()
    choose_person(page, "id_family-0-beneficiary", "valentina", "Valentina")
    page.select_option("select[name=family-0-relationship]", "child")
    page.get_by_role("button", name="Guardar como borrador").click()
    expect(page.locator(".outbox-item")).to_have_count(2)

    # The reach was a mistake: deleted, it never leaves the phone.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".outbox-item", has_text="alcance").get_by_role("button", name="Eliminar").click()
    expect(page.locator(".outbox-item")).to_have_count(1)
    # The case opens again as it was saved, family included, and is corrected.
    page.get_by_role("link", name="Editar").click()
    expect(page.locator("#id_family-0-beneficiary")).to_have_value(str(daughter.pk))
    expect(page.locator("#id_principal-ts-control").locator("..")).to_contain_text("Yelitza")
    page.fill("input[name=application_date]", "2023-08-10")
    page.get_by_role("button", name="Guardar como borrador").click()
    expect(page.locator(".outbox-item")).to_have_count(1)

    page.context.set_offline(False)
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("#outbox-sent li")).to_have_count(1)
    case = AVRCase.objects.get()
    assert (case.principal, case.application_date) == (principal, datetime.date(2023, 8, 10))
    assert [member.beneficiary for member in case.family.all()] == [daughter]
    assert not CommunicationReach.objects.exists()


def sign_out(page) -> None:
    if not page.get_by_role("button", name="Ana").is_visible():
        page.get_by_role("button", name="Menú").click()
    page.get_by_role("button", name="Ana").click()
    # Not waiting for the navigation the click may start: a dialog may hold it, for the test to
    # answer (waiting for it made the click time out on a busy machine).
    page.get_by_role("button", name="Cerrar sesión").click(no_wait_after=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signing_out_warns_of_unsent_records_and_clears_the_device(live_server, offline_page):
    page = offline_page
    make_user("ana", Role.FIELD_STAFF, [make_site("darien-office")], first_name="Ana")
    go_online_ready(page, live_server, "ana")
    assert {"iom-pages", "iom-lists"} <= set(page.evaluate(CACHES))
    page.context.set_offline(True)
    save_reach_offline(page, live_server, "-4")  # refused when sent: it stays on the device
    expect(page.locator(".outbox-item")).to_have_count(1)
    page.context.set_offline(False)
    expect(page.locator(".outbox-messages")).to_be_visible()

    with page.expect_event("dialog") as warning:
        sign_out(page)
    assert "1" in warning.value.message
    warning.value.dismiss()
    expect(page.locator(".outbox-item")).to_have_count(1)  # still signed in, nothing lost

    page.once("dialog", lambda dialog: dialog.accept())
    sign_out(page)
    expect(page.locator("input[name=username]")).to_be_visible()
    assert "iom-offline" not in page.evaluate(DATABASES)
    assert not {"iom-pages", "iom-lists"} & set(page.evaluate(CACHES))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_offline_the_person_picker_finds_the_people_of_ones_sites_kept_on_the_device(
    live_server, offline_page
):
    page = offline_page
    darien, chiriqui = make_site("darien-office"), make_site("los-planes")
    ana = make_user("ana", Role.FIELD_STAFF, [darien], first_name="Ana")
    make_beneficiary(darien, ana, given_names="Yelitza", family_names="Rondón Paz")
    make_beneficiary(chiriqui, ana, given_names="Yolanda", family_names="Rondón Díaz")
    go_online_ready(page, live_server, "ana")
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/cases/legal/new/")
    page.fill("#id_beneficiary-ts-control", "rondon")
    options = page.locator("#id_beneficiary-ts-dropdown .option")
    expect(options).to_have_count(1)  # nobody of Chiriquí is on the device
    choose_person(page, "id_beneficiary", "rondon", "Yelitza Rondón Paz")
    expect(page.locator("#id_beneficiary")).to_have_value(
        str(Beneficiary.objects.get(site=darien).pk)
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_app_passes_chromiums_installability_checks(live_server, offline_page):
    page = offline_page
    make_user("ana", Role.FIELD_STAFF, [make_site("darien-office")], first_name="Ana")
    go_online_ready(page, live_server, "ana")
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's browser contexts are off the record, which no manifest can change.
    assert [error for error in errors if error["errorId"] != "in-incognito"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest["errors"], manifest["errors"]
