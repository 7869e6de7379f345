import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import AVRCase
from tests.factories import make_avr_case, make_beneficiary
from tests.personas import PersonasTestCase

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def family_rows(*rows: tuple, initial: int = 0) -> dict:
    """The family formset as posted: (beneficiary pk, relationship[, row pk, delete]) rows."""
    data = {
        "family-TOTAL_FORMS": str(len(rows)),
        "family-INITIAL_FORMS": str(initial),
        "family-MIN_NUM_FORMS": "0",
        "family-MAX_NUM_FORMS": "1000",
    }
    for index, (person, relationship, *existing) in enumerate(rows):
        data[f"family-{index}-beneficiary"] = person
        data[f"family-{index}-relationship"] = relationship
        if existing:
            data[f"family-{index}-id"] = existing[0]
            data[f"family-{index}-DELETE"] = "on" if existing[1] else ""
    return data


class StageRulesTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_beneficiary(cls.darien, cls.field_a)

    def _case(self, **dates) -> AVRCase:
        values = {
            "orientation_date": datetime.date(2023, 8, 1),
            "application_date": datetime.date(2023, 8, 10),
            "approval_date": datetime.date(2023, 8, 20),
            "departure_date": datetime.date(2023, 9, 1),
        }
        return AVRCase(
            site=self.darien,
            principal=self.person,
            return_country="VE",
            created_by=self.field_a,
            **(values | dates),
        )

    def _error_fields(self, case: AVRCase) -> set[str]:
        with self.assertRaises(ValidationError) as raised:
            case.full_clean()
        return set(raised.exception.message_dict)

    def test_stages_in_order_are_accepted(self) -> None:
        self._case().full_clean()
        self._case(approval_date=None, departure_date=None).full_clean()

    def test_a_stage_before_the_one_before_is_refused_on_its_field(self) -> None:
        cases = {
            "application_date": {"application_date": datetime.date(2023, 7, 31)},
            "approval_date": {"approval_date": datetime.date(2023, 8, 9)},
            "departure_date": {"departure_date": datetime.date(2023, 8, 19)},
        }
        for field, dates in cases.items():
            with self.subTest(field=field):
                self.assertEqual(self._error_fields(self._case(**dates)), {field})

    def test_departure_needs_approval(self) -> None:
        self.assertEqual(self._error_fields(self._case(approval_date=None)), {"departure_date"})

    def test_no_stage_is_in_the_future(self) -> None:
        for field in AVRCase.STAGE_FIELDS:
            with self.subTest(field=field):
                case = self._case(**dict.fromkeys(AVRCase.STAGE_FIELDS[1:]))
                setattr(case, field, TOMORROW)
                self.assertIn(field, self._error_fields(case))

    def test_a_withdrawn_case_has_no_departure(self) -> None:
        case = self._case(withdrawn_on=datetime.date(2023, 9, 2), withdrawal_reason="Cambió")
        self.assertEqual(self._error_fields(case), {"departure_date"})

    def test_a_withdrawal_needs_its_reason_and_its_date(self) -> None:
        withdrawn = {"departure_date": None, "approval_date": None}
        case = self._case(withdrawn_on=datetime.date(2023, 8, 15), **withdrawn)
        self.assertEqual(self._error_fields(case), {"withdrawal_reason"})
        case = self._case(withdrawal_reason="Decidió quedarse", **withdrawn)
        self.assertEqual(self._error_fields(case), {"withdrawn_on"})

    def test_the_database_refuses_stages_out_of_order(self) -> None:
        case = self._case(approval_date=None)
        with self.assertRaises(IntegrityError), transaction.atomic():
            case.create(by=self.field_a)


class CreateTest(PersonasTestCase):
    url = reverse("cases:avr_create")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.principal = make_beneficiary(cls.darien, cls.field_a)
        cls.child = make_beneficiary(cls.darien, cls.field_a, given_names="Luis")
        cls.partner = make_beneficiary(cls.darien, cls.field_a, given_names="Pedro")

    def _post(self, rows=(), **changes):
        data = {
            "site": self.darien.pk,
            "principal": self.principal.pk,
            "return_country": "VE",
            "orientation_date": "2023-08-01",
            "application_date": "2023-08-10",
        } | changes
        return self.client.post(self.url, data | family_rows(*rows))

    def test_field_staff_save_a_case_with_its_family_in_one_form(self) -> None:
        self.login(self.field_a)
        response = self._post([(self.child.pk, "child"), (self.partner.pk, "partner")])
        case = AVRCase.objects.get()
        self.assertRedirects(response, case.get_absolute_url())
        self.assertEqual(
            [member.beneficiary for member in case.family.all()], [self.child, self.partner]
        )
        self.assertEqual(case.status, "draft")

    def test_a_bad_stage_is_shown_on_its_field_and_nothing_is_saved(self) -> None:
        self.login(self.field_a)
        response = self._post(
            [(self.child.pk, "child")],
            departure_date="2023-09-01",
            withdrawn_on="2023-08-20",
            withdrawal_reason="Cambió de opinión",
        )
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(set(form.errors), {"departure_date"})
        self.assertFalse(AVRCase.objects.exists())

    def test_a_family_member_is_refused_twice_or_as_the_applicant(self) -> None:
        self.login(self.field_a)
        response = self._post([(self.child.pk, "child"), (self.child.pk, "child")])
        self.assertTrue(response.context["formset"].forms[1].errors)
        response = self._post([(self.principal.pk, "partner")])
        self.assertIn("beneficiary", response.context["formset"].forms[0].errors)
        self.assertFalse(AVRCase.objects.exists())

    def test_a_family_member_of_another_site_is_not_offered(self) -> None:
        stranger = make_beneficiary(self.chiriqui, self.field_b, given_names="Otro")
        self.login(self.field_a)
        response = self._post([(stranger.pk, "child")])
        self.assertIn("beneficiary", response.context["formset"].forms[0].errors)
        self.assertFalse(AVRCase.objects.exists())


class EditTest(PersonasTestCase):
    def test_a_family_row_is_removed_and_another_added_in_the_same_form(self) -> None:
        principal = make_beneficiary(self.darien, self.field_a)
        child = make_beneficiary(self.darien, self.field_a, given_names="Luis")
        partner = make_beneficiary(self.darien, self.field_a, given_names="Pedro")
        case = make_avr_case(principal, self.field_a, family=[child])
        row = case.family.get()
        self.login(self.field_a)
        data = {
            "site": self.darien.pk,
            "principal": principal.pk,
            "return_country": "VE",
            "orientation_date": "2023-08-01",
            "seen_version": case.version,
        } | family_rows((child.pk, "child", row.pk, True), (partner.pk, "partner"), initial=1)
        response = self.client.post(case.get_edit_url(), data)
        self.assertRedirects(response, case.get_absolute_url())
        self.assertEqual([m.beneficiary for m in case.family.all()], [partner])


class PageTest(PersonasTestCase):
    def test_the_case_page_shows_the_stages_as_a_timeline(self) -> None:
        principal = make_beneficiary(self.darien, self.field_a)
        case = make_avr_case(principal, self.field_a, approval_date=datetime.date(2023, 8, 20))
        self.login(self.field_a)
        response = self.client.get(case.get_absolute_url())
        self.assertContains(response, 'id="timeline"')
        self.assertEqual(
            [date for _label, date in response.context["record"].stages()],
            [
                datetime.date(2023, 8, 1),
                datetime.date(2023, 8, 10),
                datetime.date(2023, 8, 20),
                None,
            ],
        )
        self.assertContains(response, "20/08/2023")

    def test_the_list_filters_by_stage_and_nationality(self) -> None:
        venezuelan = make_beneficiary(self.darien, self.field_a)
        haitian = make_beneficiary(self.darien, self.field_a, given_names="Jean", nationality="HT")
        applied = make_avr_case(venezuelan, self.field_a)
        departed = make_avr_case(
            haitian,
            self.field_a,
            orientation_date=datetime.date(2023, 7, 20),
            approval_date=datetime.date(2023, 8, 20),
            departure_date=datetime.date(2023, 9, 1),
        )
        self.login(self.field_a)

        def cases(**query) -> list[AVRCase]:
            return list(self.client.get(reverse("cases:avr_list"), query).context["page"])

        self.assertEqual(cases(stage="application"), [applied])
        self.assertEqual(cases(stage="departure"), [departed])
        self.assertEqual(cases(stage="approval"), [])
        self.assertEqual(cases(nationality="HT"), [departed])
        self.assertEqual(cases(q="jean"), [departed])
        self.assertEqual(cases(), [applied, departed])
        self.assertEqual(cases(sort="orientation_date"), [departed, applied])
