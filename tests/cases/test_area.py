"""People across the sites of an area: a site's area is the region of its province. A migrant
registered at the reception station of Lajas Blancas is named on a case at the Darién
sub-office by its staff, without a second registration; the staff of both sites then see the
person, and nobody of another area does."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import AVRCase, LegalOrientationCase
from iompanama.models import Province, Region
from iompanama.roles import Role
from tests.cases.test_legal_case import FIRST_SESSION, session_rows
from tests.factories import make_beneficiary, make_legal_case, make_user
from tests.personas import PersonasTestCase


class AreaTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        darien = Region.objects.create(name="Darién")
        Province.objects.filter(code="PA-5").update(region=darien)
        Province.objects.filter(code="PA-4").update(region=Region.objects.create(name="Chiriquí"))
        for site in (cls.darien, cls.darien_etrm, cls.chiriqui):
            site.province.refresh_from_db()
        # Field staff of the sub-office only, and of the reception station only.
        cls.office_staff = make_user("office", Role.FIELD_STAFF, [cls.darien])
        cls.station_staff = make_user("station", Role.FIELD_STAFF, [cls.darien_etrm])
        cls.person = make_beneficiary(cls.darien_etrm, cls.station_staff)

    def _detail(self, user):
        self.login(user)
        return self.client.get(self.person.get_absolute_url())

    def _search(self, user) -> list[int]:
        self.login(user)
        found = self.client.get(reverse("cases:people_search"), {"q": "María"}).json()
        return [row["value"] for row in found["results"]]

    def test_a_case_at_the_sub_office_names_a_person_registered_at_the_station(self) -> None:
        self.assertEqual(self._search(self.office_staff), [self.person.pk])
        data = {
            "site": self.darien.pk,
            "beneficiary": self.person.pk,
            "opened_on": "2023-09-04",
            "topic_migration": "on",
        }
        response = self.client.post(
            reverse("cases:legal_create"), data | session_rows(FIRST_SESSION)
        )
        case = LegalOrientationCase.objects.get()
        self.assertRedirects(response, case.get_absolute_url())
        self.assertEqual((case.site, case.beneficiary), (self.darien, self.person))

    def test_staff_of_both_sites_see_the_person_once_a_case_names_them(self) -> None:
        self.assertEqual(self._detail(self.office_staff).status_code, 404)
        case = LegalOrientationCase(
            site=self.darien, beneficiary=self.person, opened_on="2023-09-04", topic_work=True
        )
        case.full_clean(exclude=["created_by", "status"])
        case.create(by=self.office_staff)
        for user in (self.office_staff, self.station_staff, self.field_a, self.supervisor_a):
            with self.subTest(user=user.username):
                self.assertEqual(self._detail(user).status_code, 200)

    def test_field_staff_of_another_area_still_cannot_see_or_find_the_person(self) -> None:
        make_legal_case(self.person, self.station_staff)
        self.assertEqual(self._detail(self.field_b).status_code, 404)
        self.assertEqual(self._search(self.field_b), [])

    def test_a_case_does_not_name_a_person_of_another_area(self) -> None:
        elsewhere = make_beneficiary(self.chiriqui, self.field_b)
        for field, case in (
            (
                "beneficiary",
                LegalOrientationCase(
                    site=self.darien, beneficiary=elsewhere, opened_on="2023-09-04", topic_work=True
                ),
            ),
            (
                "principal",
                AVRCase(
                    site=self.darien,
                    principal=elsewhere,
                    return_country="VE",
                    orientation_date="2023-08-01",
                ),
            ),
        ):
            with self.subTest(case=type(case).__name__):
                self.assertEqual(self._errors(case), [field])

    def _errors(self, case) -> list[str]:
        try:
            case.clean()
        except ValidationError as error:
            return list(error.message_dict)
        return []

    def test_without_an_area_a_case_names_people_of_its_own_site_only(self) -> None:
        Province.objects.filter(code="PA-5").update(region=None)
        self.person.site.province.refresh_from_db()
        self.darien.province.refresh_from_db()
        case = LegalOrientationCase(
            site=self.darien, beneficiary=self.person, opened_on="2023-09-04", topic_work=True
        )
        self.assertEqual(self._errors(case), ["beneficiary"])
        self.assertEqual(self._search(self.office_staff), [])
