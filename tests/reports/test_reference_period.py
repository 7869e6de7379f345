"""The demo's August-September 2023 factsheet is the reference factsheet
(../shared/reference/iom-panama-factsheet-2023.txt): every number the app computes, equal."""

import datetime
import io

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from reports.models import PublishedFactsheet


class ReferencePeriodTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo", stdout=io.StringIO())
        cls.version = PublishedFactsheet.objects.get(
            start=datetime.date(2023, 8, 1), end=datetime.date(2023, 9, 30)
        )

    def test_every_figure_equals_the_references(self) -> None:
        f = self.version.figures
        categories = {row["code"]: row["value"] for row in f["donations"]["by_category"]}
        survey = f["flow_survey"]
        # (the reference's words, the published figure, the reference's number)
        cases = [
            ("IOM Panama has 196 staff members", f["mission"]["staff"], 196),
            ("153 of which are national", f["mission"]["staff_national"], 153),
            ("43 are international officers", f["mission"]["staff_international"], 43),
            ("3 offices in Panama City", f["mission"]["offices_in_capital"], 3),
            ("implemented in five regions", f["mission"]["regions"], 5),
            ("at more than 10 sites", f["mission"]["sites_more_than"], 10),
            ("by 25 staff members", f["mission"]["programme_staff"], 25),
            ("AREAS OF WORK (7 listed)", f["mission"]["areas_of_work"], 7),
            ("112 migrants ... received legal orientation", f["legal_orientation"]["people"], 112),
            ("1,432 people participated", f["workshops_migrants"]["participants"], 1432),
            ("31 people returned voluntarily", f["avr"]["returned"], 31),
            ("20 people were guided on the process", f["avr"]["guided"], 20),
            ("157,214 migrants crossed the Darien jungle", f["migration_flows"]["crossed"], 157214),
            ("77%", round(f["migration_flows"]["percent_by_age"]["adults"]), 77),
            ("23%", round(f["migration_flows"]["percent_by_age"]["minors"]), 23),
            ("41,796 Meals", categories["meals"], 41796),
            ("53 Medical equipment", categories["medical-equipment"], 53),
            ("2,022 Medical supplies", categories["medical-supplies"], 2022),
            ("1 Ambulance", categories["ambulances"], 1),
            (
                "1,606 Building materials and furniture",
                categories["building-materials-furniture"],
                1606,
            ),
            ("4,139 NFI", categories["nfi"], 4139),
            ("54 Electronic devices", categories["electronic-devices"], 54),
            (
                "164 migrants ... received medical attention",
                f["medical_attention"]["attended"],
                164,
            ),
            ("78% ... family members and friends", round(survey["percent_family_friends"]), 78),
            ("62% ... regular ways", round(survey["percent_without_pathways_info"]), 62),
            ("309 people participated", f["workshops_partners"]["participants"], 309),
            ("7,663 people reached through digital media", f["communications"]["reached"], 7663),
        ]
        for words, published, reference in cases:
            with self.subTest(words):
                self.assertEqual(published, reference)
        self.assertGreater(survey["percent_without_dangers_info"], 60)  # "More than 60%"
        self.assertTrue(1.8 <= f["migration_flows"]["ratio"] < 2)  # "almost twice as high"

    def test_the_english_page_says_it_as_the_reference_does(self) -> None:
        response = self.client.get(
            reverse("reports:factsheet", args=[self.version.pk]), {"lang": "en"}
        )
        for text in [
            "3 offices in Panama City and one sub-office in the Darién province",
            "implemented in 5 regions, at more than 10 sites, by 25 staff members",
            "157,214</strong> migrants crossed the Darien jungle in August and September 2023",
            "almost twice as high",
            "Data from September 2023, published by the National Migration Service",
            "41,796",
            "According to the results of the July 2023 Flow Monitoring Survey conducted in "
            "Chiriquí and Darién",
            "The main motivation for migration among respondents is economic, while the second "
            "is insecurity or violence.",
            "7,663</strong> people reached through digital media",
            "European Union",
        ]:
            with self.subTest(text):
                self.assertContains(response, text)
