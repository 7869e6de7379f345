from django.urls import reverse

from iompanama.models import ExportLog
from tests.exports.helpers import csv_rows
from tests.factories import make_avr_case, make_beneficiary, make_legal_case
from tests.personas import PersonasTestCase

URLS = ["cases:beneficiary_export", "cases:legal_export", "cases:avr_export"]


class PersonalDataExportTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_beneficiary(cls.darien, cls.field_a, given_names="=cmd|' /C calc'!A0")
        make_legal_case(cls.person, cls.field_a)
        make_avr_case(cls.person, cls.field_a)

    def test_only_administrators_may_export_personal_data(self) -> None:
        for user in (self.field_a, self.supervisor_a, self.viewer):
            self.login(user)
            for name in URLS:
                with self.subTest(user=user.username, url=name):
                    response = self.client.get(reverse(name, args=["csv"]))
                    self.assertEqual(response.status_code, 403)
        self.assertFalse(ExportLog.objects.exists())

    def test_every_export_by_an_administrator_is_logged(self) -> None:
        self.login(self.admin)
        url = reverse("cases:beneficiary_export", args=["xlsx"]) + f"?site={self.darien.pk}"
        self.assertEqual(self.client.get(url).status_code, 200)
        log = ExportLog.objects.get()
        self.assertEqual(
            (log.by, log.kind, log.filters, log.rows, log.file_format),
            (self.admin, "cases.beneficiary", f"site={self.darien.pk}", 1, "xlsx"),
        )

    def test_names_that_look_like_formulas_are_neutralised(self) -> None:
        self.login(self.admin)
        rows = csv_rows(self.client.get(reverse("cases:beneficiary_export", args=["csv"])))
        self.assertEqual(rows[1][rows[0].index("Nombres")], "'=cmd|' /C calc'!A0")

    def test_the_lists_offer_exports_to_administrators_only(self) -> None:
        self.login(self.supervisor_a)
        self.assertNotContains(self.client.get(reverse("cases:beneficiary_list")), "export.csv")
        self.assertNotContains(self.client.get(reverse("cases:legal_list")), "export.csv")
        self.login(self.admin)
        self.assertContains(self.client.get(reverse("cases:beneficiary_list")), "export.csv")
