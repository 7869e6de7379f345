import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import CommunicationReach
from tests.exports.helpers import csv_rows, xlsx_rows
from tests.factories import make_reach
from tests.personas import PersonasTestCase


class RecordExportTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_reach(cls.darien, cls.field_a, campaign="Darién 1", date=datetime.date(2023, 9, 1))
        make_reach(cls.darien, cls.field_a, campaign="Darién 2", date=datetime.date(2023, 10, 1))
        make_reach(cls.chiriqui, cls.field_b, campaign="Chiriquí")

    def export(self, user, file_format="csv", query=""):
        self.login(user)
        url = reverse("activities:reach_export", args=[file_format]) + query
        return self.client.get(url)

    def test_the_csv_is_streamed_with_a_header(self) -> None:
        response = self.export(self.admin)
        self.assertTrue(response.streaming)
        rows = csv_rows(response)
        self.assertEqual(rows[0][:3], ["ID externo", "Sitio", "Fecha"])
        self.assertEqual(len(rows), 4)

    def test_a_supervisors_export_has_exactly_the_rows_of_their_list(self) -> None:
        query = "?date_from=2023-09-15"
        self.login(self.supervisor_a)
        listed = self.client.get(reverse("activities:reach_list") + query)
        campaigns = sorted(r.campaign for r in listed.context["page"])
        for file_format, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
            rows = read(self.export(self.supervisor_a, file_format, query))
            self.assertEqual(sorted(row[4] for row in rows[1:]), campaigns)
        self.assertEqual(campaigns, ["Darién 2"])

    def test_the_list_links_to_its_exports_with_its_filters(self) -> None:
        self.login(self.supervisor_a)
        response = self.client.get(reverse("activities:reach_list") + "?date_from=2023-09-15")
        self.assertContains(response, "export.csv?date_from=2023-09-15")

    def test_viewers_may_not_export(self) -> None:
        self.assertEqual(self.export(self.viewer).status_code, 403)

    def test_an_unknown_format_is_not_found(self) -> None:
        self.assertEqual(self.export(self.admin, "pdf").status_code, 404)

    def test_formula_like_cells_are_neutralised_in_csv_and_xlsx(self) -> None:
        for start in ("=", "+", "-", "@", "\t", "\r"):
            make_reach(self.darien, self.field_a, campaign=f"{start}HYPERLINK(1)")
        for file_format, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
            with self.subTest(file_format):
                cells = [row[4] for row in read(self.export(self.admin, file_format))[1:]]
                risky = [cell for cell in cells if "HYPERLINK" in cell]
                self.assertEqual(len(risky), 6)
                self.assertTrue(all(cell.startswith("'") for cell in risky), risky)

    def test_export_then_import_gives_the_same_records(self) -> None:
        CommunicationReach.objects.update(external_id="")
        rows = csv_rows(self.export(self.admin))
        rows = [rows[0]] + [[f"X-{n}", *row[1:]] for n, row in enumerate(rows[1:])]
        content = "\n".join(",".join(row) for row in rows).encode()
        before = sorted(
            CommunicationReach.objects.values_list(
                "site", "date", "channel", "campaign", "people_reached"
            )
        )
        CommunicationReach.objects.all().delete()
        url = reverse("activities:reach_import")
        response = self.client.post(url, {"file": SimpleUploadedFile("r.csv", content)})
        self.client.post(url, {"token": response.context["token"]})
        after = sorted(
            CommunicationReach.objects.values_list(
                "site", "date", "channel", "campaign", "people_reached"
            )
        )
        self.assertEqual(after, before)


class EveryListExportTest(PersonasTestCase):
    def test_every_kind_of_record_exports_its_rows(self) -> None:
        from tests.factories import (
            make_avr_case,
            make_beneficiary,
            make_donation,
            make_flow_statistic,
            make_legal_case,
            make_survey_round,
            make_tally,
            make_training,
        )

        person = make_beneficiary(self.darien, self.field_a)
        make_legal_case(person, self.field_a)
        make_avr_case(person, self.field_a)
        make_tally(self.darien_etrm, self.field_a)
        make_flow_statistic(self.darien, self.field_a)
        make_donation(self.darien, self.field_a)
        make_training(self.darien, self.field_a)
        make_survey_round(self.darien, self.field_a)
        self.login(self.admin)
        names = [
            "activities:medical_export",
            "activities:flow_export",
            "activities:donation_export",
            "activities:training_export",
            "activities:survey_export",
            "cases:beneficiary_export",
            "cases:legal_export",
            "cases:avr_export",
        ]
        for name in names:
            for file_format, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
                with self.subTest(name=name, file_format=file_format):
                    rows = read(self.client.get(reverse(name, args=[file_format])))
                    self.assertEqual(len(rows), 2)
                    self.assertIn("Sitio", rows[0])
                    site = rows[1][rows[0].index("Sitio")]
                    self.assertIn(site, ["darien-office", "lajas-blancas"])
