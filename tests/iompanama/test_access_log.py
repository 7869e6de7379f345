"""Every look at a person's data is recorded: who, when, what and from where, in one insert."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AVRCase, Beneficiary, LegalOrientationCase
from iompanama.models import ExportLog, PersonalDataAccess
from tests.factories import (
    make_avr_case,
    make_beneficiary,
    make_donation,
    make_legal_case,
    make_reach,
)
from tests.iompanama.test_read_only_database import read_only_database
from tests.personas import PersonasTestCase

CLIENT = "190.140.1.7"


class AccessLogTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_beneficiary(cls.darien, cls.field_a)
        cls.legal = make_legal_case(cls.person, cls.field_a)
        cls.avr = make_avr_case(cls.person, cls.field_a)

    def test_viewing_a_persons_page_is_recorded_with_who_when_what_and_where(self) -> None:
        self.login(self.supervisor_a)
        response = self.client.get(self.person.get_absolute_url(), REMOTE_ADDR=CLIENT)
        self.assertEqual(response.status_code, 200)
        access = PersonalDataAccess.objects.get()
        self.assertEqual(
            (access.by, access.action, access.content_type.model_class(), access.object_id),
            (self.supervisor_a, "view", Beneficiary, self.person.pk),
        )
        self.assertEqual((access.path, access.address), (self.person.get_absolute_url(), CLIENT))
        self.assertIsNotNone(access.at)

    def test_viewing_a_case_naming_a_person_is_recorded(self) -> None:
        self.login(self.field_a)
        self.client.get(self.legal.get_absolute_url())
        self.client.get(self.avr.get_absolute_url())
        seen = [
            (access.content_type.model_class(), access.object_id)
            for access in PersonalDataAccess.objects.order_by("pk")
        ]
        self.assertEqual(seen, [(LegalOrientationCase, self.legal.pk), (AVRCase, self.avr.pk)])

    def test_a_record_that_names_nobody_is_not_recorded(self) -> None:
        self.login(self.field_a)
        self.client.get(make_reach(self.darien, self.field_a).get_absolute_url())
        self.assertFalse(PersonalDataAccess.objects.exists())

    def test_a_refused_view_is_not_recorded_as_a_view(self) -> None:
        self.login(self.field_b)
        self.assertEqual(self.client.get(self.person.get_absolute_url()).status_code, 404)
        self.assertFalse(PersonalDataAccess.objects.exists())

    def test_downloading_a_document_is_recorded(self) -> None:
        donation = make_donation(
            self.darien, self.field_a, receipt=SimpleUploadedFile("recibo.pdf", b"%PDF-1.4")
        )
        self.login(self.field_a)
        self.client.get(reverse("activities:donation_receipt", args=[donation.pk]))
        access = PersonalDataAccess.objects.get()
        self.assertEqual((access.action, access.object_id), ("download", donation.pk))

    def test_an_export_of_personal_data_is_recorded_with_its_filters(self) -> None:
        self.login(self.admin)
        url = reverse("cases:beneficiary_export", args=["csv"]) + f"?site={self.darien.pk}"
        self.client.get(url)
        access = PersonalDataAccess.objects.get()
        self.assertEqual(
            (access.action, access.content_type.model_class(), access.object_id, access.path),
            ("export", Beneficiary, None, url),
        )

    @override_settings(
        AXES_IPWARE_PROXY_COUNT=0,
        AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
    )
    def test_behind_a_proxy_the_address_is_the_clients(self) -> None:
        self.login(self.field_a)
        self.client.get(
            self.person.get_absolute_url(),
            headers={"x-forwarded-for": CLIENT},
            REMOTE_ADDR="10.0.0.2",
        )
        self.assertEqual(PersonalDataAccess.objects.get().address, CLIENT)

    def test_recording_a_view_costs_one_insert_and_nothing_else(self) -> None:
        self.login(self.field_a)
        self.client.get(self.person.get_absolute_url())  # the session's renewal, once
        ContentType.objects.get_for_model(Beneficiary)  # cached for the life of the process
        with CaptureQueriesContext(connection) as queries:
            self.client.get(self.person.get_absolute_url())
        log_table = PersonalDataAccess._meta.db_table
        writes = [
            q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
        ]
        self.assertEqual(len(writes), 1, writes)
        self.assertIn(log_table, writes[0])
        self.assertEqual(sum(log_table in q["sql"] for q in queries), 1)

    def test_on_a_read_only_database_the_page_shows_and_the_view_goes_to_the_log(self) -> None:
        self.login(self.field_a)
        self.client.get(self.person.get_absolute_url())
        with read_only_database(), self.assertLogs("iompanama.access", "WARNING") as logs:
            response = self.client.get(self.person.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.person.get_absolute_url(), logs.output[0])


class AccessLogAdminTest(PersonasTestCase):
    def test_an_administrator_finds_who_looked_at_a_person(self) -> None:
        person = make_beneficiary(self.darien, self.field_a)
        for user in (self.field_a, self.supervisor_a):
            self.login(user)
            self.client.get(person.get_absolute_url())
        self.login(self.admin)
        url = reverse("admin:iompanama_personaldataaccess_changelist")
        response = self.client.get(url, {"q": str(person.pk)})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            {access.by for access in response.context["cl"].result_list},
            {self.field_a, self.supervisor_a},
        )
        response = self.client.get(url, {"q": "supervisor_a"})
        self.assertEqual(len(response.context["cl"].result_list), 1)

    def test_the_export_log_is_in_the_admin(self) -> None:
        ExportLog.objects.create(by=self.admin, kind="cases.beneficiary", rows=3, file_format="csv")
        self.login(self.admin)
        response = self.client.get(reverse("admin:iompanama_exportlog_changelist"))
        self.assertContains(response, "cases.beneficiary")

    def test_nobody_changes_or_deletes_the_log_and_only_administrators_read_it(self) -> None:
        self.login(self.admin)
        self.client.get(make_beneficiary(self.darien, self.field_a).get_absolute_url())
        access = PersonalDataAccess.objects.get()
        change = reverse("admin:iompanama_personaldataaccess_change", args=[access.pk])
        delete = reverse("admin:iompanama_personaldataaccess_delete", args=[access.pk])
        self.assertEqual(self.client.post(change, {}).status_code, 403)
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertTrue(PersonalDataAccess.objects.exists())
        self.login(self.supervisor_a)
        url = reverse("admin:iompanama_personaldataaccess_changelist")
        self.assertEqual(self.client.get(url).status_code, 302)
