"""The mission section says what the reference's first page says, from the profile admins keep."""

import datetime

from django.urls import reverse

from iompanama.models import Province, Region
from reports import figures
from reports.figures import Period
from reports.models import MissionProfile, PublishedFactsheet
from tests.reports.dataset import FIRST, LAST, DatasetTestCase


class MissionTest(DatasetTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        profile = MissionProfile.objects.valid_on(LAST)
        profile.introduction_es = "Desde hace más de 15 años funciona en Panamá la OIM."
        profile.introduction_en = "For more than 15 years, IOM has been operating in Panama."
        profile.programme_staff = 25
        profile.offices_in_capital = 3
        profile.sub_office_province = Province.objects.get(code="PA-5")
        profile.sites = 11
        profile.save()
        darien, _created = Region.objects.get_or_create(name="Darién", name_en="Darién")
        colon = Region.objects.create(name="Colón y Guna Yala", name_en="Colón and Guna Yala")
        profile.present_in.set([darien, colon])
        cls.version = PublishedFactsheet.publish(FIRST, LAST, by=cls.admin)

    def test_sites_are_said_as_more_than_the_round_number_below(self) -> None:
        for sites, said in [(11, 10), (10, 5), (23, 20), (6, 5), (5, None), (2, None)]:
            with self.subTest(sites):
                self.assertEqual(MissionProfile(sites=sites).sites_more_than(), said)

    def test_the_seven_areas_of_work_are_listed_in_the_references_order(self) -> None:
        areas = figures.mission_profile(Period(FIRST, LAST))["areas"]
        self.assertEqual(len(areas), 7)
        self.assertEqual(areas[2]["name_en"], "Labour migration")
        self.assertEqual(areas[-1]["name_es"], "Operaciones y emergencias")

    def test_the_english_page_has_the_offices_staff_regions_and_areas(self) -> None:
        response = self.client.get(
            reverse("reports:factsheet", args=[self.version.pk]), {"lang": "en"}
        )
        for text in [
            "For more than 15 years, IOM has been operating in Panama.",
            "3 offices in Panama City and one sub-office in the Darién province",
            "implemented in 5 regions, at more than 10 sites, by 25 staff members",
            "We are present in these regions: Colón and Guna Yala, Darién.",
            "Trafficking in persons and migrant smuggling",
        ]:
            self.assertContains(response, text)
        self.assertNotContains(response, "Desde hace")

    def test_the_spanish_page_says_it_in_spanish(self) -> None:
        response = self.client.get(
            reverse("reports:factsheet", args=[self.version.pk]), {"lang": "es"}
        )
        self.assertContains(response, "Desde hace más de 15 años")
        self.assertContains(response, "más de 10 sitios")
        self.assertContains(response, "Migración laboral")
        self.assertContains(response, "Colón y Guna Yala, Darién.")

    def test_a_profile_valid_later_is_not_used(self) -> None:
        later = figures.mission_profile(
            Period(datetime.date(2023, 10, 1), datetime.date(2023, 10, 31))
        )
        self.assertEqual(later["staff"], 2)
