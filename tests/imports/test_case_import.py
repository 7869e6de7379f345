"""Legal orientation and AVR cases from files: people by their external ID or number, a case's
sessions or family members one line each."""

import datetime

from django.urls import reverse

from cases.models import AVRCase, AVRFamilyMember, LegalOrientationCase
from iompanama.models import ReviewStatus
from tests.factories import make_beneficiary
from tests.imports.helpers import csv_file
from tests.personas import PersonasTestCase

LEGAL_HEADER = [
    "external_id",
    "site",
    "beneficiary",
    "opened_on",
    "topic_migration",
    "session_date",
    "session_counsellor",
    "session_topic_migration",
    "session_topic_work",
]
AVR_HEADER = [
    "external_id",
    "site",
    "principal",
    "return_country",
    "orientation_date",
    "family_member",
    "family_relationship",
]


class CaseImportTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.maria = make_beneficiary(cls.darien, cls.field_a, external_id="B-1")
        cls.luis = make_beneficiary(cls.darien, cls.field_a, given_names="Luis")
        cls.elsewhere = make_beneficiary(cls.chiriqui, cls.field_b, external_id="B-9")

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.login(self.supervisor_a)

    def upload(self, name: str, header: list[str], rows: list[list]):
        url = reverse(f"cases:{name}_import")
        response = self.client.post(url, {"file": csv_file(rows, header)})
        report = response.context["report"]
        if report.is_valid:
            self.client.post(url, {"token": response.context["token"]})
        return report

    def legal_line(self, person: str, session: str, work: str = "no") -> list:
        case = ["C-1", "darien-office", person, "2023-09-01", "yes"]
        return [*case, session, "Lcda. Ríos", "yes", work]

    def test_a_legal_case_is_imported_with_its_sessions(self) -> None:
        report = self.upload(
            "legal",
            LEGAL_HEADER,
            [
                self.legal_line("B-1", "2023-09-01"),
                self.legal_line("B-1", "2023-09-20", work="yes"),
            ],
        )
        self.assertEqual((report.created, report.errors), (1, []))
        case = LegalOrientationCase.objects.get()
        self.assertEqual((case.beneficiary, case.status), (self.maria, ReviewStatus.SUBMITTED))
        self.assertEqual(
            [(session.date, session.topic_work) for session in case.sessions.all()],
            [(datetime.date(2023, 9, 1), False), (datetime.date(2023, 9, 20), True)],
        )

    def test_a_person_is_found_by_their_number_too(self) -> None:
        self.upload("legal", LEGAL_HEADER, [self.legal_line(f"#{self.luis.pk}", "2023-09-01")])
        self.assertEqual(LegalOrientationCase.objects.get().beneficiary, self.luis)

    def test_a_person_of_another_site_or_unknown_is_a_row_error(self) -> None:
        for person in ("B-9", "B-404"):
            with self.subTest(person):
                report = self.upload("legal", LEGAL_HEADER, [self.legal_line(person, "2023-09-01")])
                self.assertEqual([error.column for error in report.errors], ["beneficiary"])
                self.assertIn(person, report.errors[0].message)
        self.assertFalse(LegalOrientationCase.objects.exists())

    def test_a_legal_case_needs_a_session(self) -> None:
        report = self.upload("legal", LEGAL_HEADER, [self.legal_line("B-1", "")])
        self.assertEqual([error.column for error in report.errors], ["session_date"])

    def test_an_avr_case_is_imported_with_its_family(self) -> None:
        rows = [
            ["A-1", "darien-office", "B-1", "Venezuela", "2023-08-01", f"#{self.luis.pk}", "child"],
            ["A-2", "darien-office", "B-1", "VE", "2023-08-02", "", ""],
        ]
        report = self.upload("avr", AVR_HEADER, rows)
        self.assertEqual((report.created, report.errors), (2, []))
        family = AVRCase.objects.get(external_id="A-1").family.get()
        self.assertEqual(
            (family.beneficiary, family.relationship),
            (self.luis, AVRFamilyMember.Relationship.CHILD),
        )
        self.assertFalse(AVRCase.objects.get(external_id="A-2").family.exists())

    def test_the_applicant_is_not_their_own_family_member(self) -> None:
        rows = [["A-1", "darien-office", "B-1", "VE", "2023-08-01", "B-1", "child"]]
        report = self.upload("avr", AVR_HEADER, rows)
        self.assertEqual(
            [(error.number, error.column) for error in report.errors], [(2, "family_member")]
        )
        self.assertFalse(AVRCase.objects.exists())

    def test_a_family_member_is_listed_once(self) -> None:
        member = ["A-1", "darien-office", "B-1", "VE", "2023-08-01", f"#{self.luis.pk}", "child"]
        report = self.upload("avr", AVR_HEADER, [member, member])
        self.assertEqual(
            [(error.number, error.column) for error in report.errors], [(3, "family_member")]
        )
        self.assertFalse(AVRCase.objects.exists())

    def test_field_staff_may_not_import_cases(self) -> None:
        self.login(self.field_a)
        for name in ("legal", "avr"):
            with self.subTest(name):
                response = self.client.get(reverse(f"cases:{name}_import"))
                self.assertEqual(response.status_code, 403)
