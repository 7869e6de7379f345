import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from activities.models import SurveyResponse, SurveyRound
from iompanama.models import Province
from tests.activities.english import EnglishTestCase
from tests.factories import make_survey_round
from tests.records import (
    assert_each_refused_on_its_field,
    assert_hidden_from,
    assert_list_queries_do_not_grow,
    formset_data,
)


def _rows(*rows: dict, initial: int = 0) -> dict[str, str]:
    return formset_data("responses", *rows, initial=initial)


def _respondent(**changes) -> dict[str, str]:
    return {
        "main_source": "social_media",
        "regular_pathways_info": "yes",
        "dangers_info": "no",
        "first_reason": "economic",
        "second_reason": "",
        "sex": "male",
        "age_group": "30-44",
        "nationality": "EC",
    } | changes


class SurveyTestCase(EnglishTestCase):
    def _data(self, *rows: dict, **changes) -> dict:
        darien = Province.objects.get(code="PA-5")
        return {
            "site": str(self.darien.pk),
            "month": "2023-07",
            "provinces": [str(darien.pk)],
            **_rows(*rows),
        } | changes

    def _post(self, *rows: dict, **changes):
        return self.client.post(reverse("activities:survey_create"), self._data(*rows, **changes))


class CreateTest(SurveyTestCase):
    def test_field_staff_save_a_round_with_respondents_entered_by_hand(self) -> None:
        self.login(self.field_a)
        response = self._post(_respondent(), _respondent(nationality="VE", sex="female"))
        survey = SurveyRound.objects.get()
        self.assertRedirects(response, survey.get_absolute_url())
        self.assertEqual(
            (survey.month, survey.created_by), (datetime.date(2023, 7, 1), self.field_a)
        )
        self.assertEqual([str(p) for p in survey.provinces.all()], ["Darién"])
        self.assertEqual([r.nationality.code for r in survey.responses.all()], ["EC", "VE"])

    def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(self) -> None:
        next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=31)).strftime(
            "%Y-%m"
        )
        cases = {
            "future": ("month", {"month": next_month}, "This date is in the future"),
            "site": ("site", {"site": self.chiriqui.pk}, "Select a valid choice"),
        }
        self.login(self.field_a)
        assert_each_refused_on_its_field(self, lambda **changes: self._post(**changes), cases)
        self.assertFalse(SurveyRound.objects.exists())

    def test_a_bad_respondent_row_is_refused_on_its_field_and_nothing_is_saved(self) -> None:
        cases = {
            "same reasons": (
                "second_reason",
                {"second_reason": "economic"},
                "The second reason must differ from the first.",
            ),
            "unknown answer": ("dangers_info", {"dangers_info": "maybe"}, "Select a valid choice"),
            "no nationality": ("nationality", {"nationality": ""}, "This field is required"),
        }
        self.login(self.field_a)
        for case, (field, changes, message) in cases.items():
            with self.subTest(case):
                response = self._post(_respondent(), _respondent(**changes))
                errors = response.context["formset"].forms[1].errors
                self.assertIn(message, str(errors[field]))
        self.assertFalse(SurveyRound.objects.exists())
        self.assertFalse(SurveyResponse.objects.exists())

    def test_the_database_refuses_the_same_first_and_second_reason(self) -> None:
        survey = make_survey_round(self.darien, self.field_a)
        with self.assertRaisesMessage(IntegrityError, "reasons_differ"), transaction.atomic():
            SurveyResponse.objects.create(round=survey, **_respondent(second_reason="economic"))


class EditTest(SurveyTestCase):
    def test_a_respondent_row_is_removed_and_another_added(self) -> None:
        survey = make_survey_round(self.darien, self.field_a, responses=2)
        first, second = survey.responses.all()
        self.login(self.field_a)
        rows = [
            _respondent(id=str(first.pk), main_source="family_friends"),
            _respondent(id=str(second.pk), DELETE="on"),
            _respondent(nationality="HT"),
        ]
        data = self._data(seen_version=str(survey.version)) | _rows(*rows, initial=2)
        response = self.client.post(survey.get_edit_url(), data)
        self.assertRedirects(response, survey.get_absolute_url())
        self.assertEqual(
            [(r.pk, r.nationality.code) for r in survey.responses.all()],
            [(first.pk, "EC"), (survey.responses.last().pk, "HT")],
        )


class ListTest(SurveyTestCase):
    def test_field_staff_see_only_their_sites_records(self) -> None:
        make_survey_round(self.darien, self.field_a)
        make_survey_round(self.chiriqui, self.field_b)
        self.login(self.field_b)
        response = self.client.get(reverse("activities:survey_list"))
        self.assertEqual([r.site for r in response.context["page"]], [self.chiriqui])

    def test_filters_by_province(self) -> None:
        darien, chiriqui = Province.objects.filter(code__in=["PA-5", "PA-4"]).order_by("code")[::-1]
        make_survey_round(self.darien, self.field_a).provinces.set([darien])
        in_chiriqui = make_survey_round(self.darien, self.field_a)
        in_chiriqui.provinces.set([chiriqui])
        self.login(self.field_a)
        response = self.client.get(reverse("activities:survey_list"), {"provinces": chiriqui.pk})
        self.assertEqual(list(response.context["page"]), [in_chiriqui])

    def test_the_list_makes_the_same_queries_for_1_and_50_rows(self) -> None:
        self.login(self.supervisor_a)
        assert_list_queries_do_not_grow(
            self,
            reverse("activities:survey_list"),
            lambda: make_survey_round(self.darien, self.field_a),
            queries=11,
        )


class DetailTest(SurveyTestCase):
    def test_field_staff_of_chiriqui_cannot_open_a_round_of_darien(self) -> None:
        assert_hidden_from(self, self.field_b, make_survey_round(self.darien, self.field_a))

    def test_the_page_counts_each_answer_over_those_who_answered(self) -> None:
        survey = make_survey_round(self.darien, self.field_a, responses=3)
        survey.responses.create(**_respondent(regular_pathways_info="no_answer"))
        self.login(self.supervisor_a)
        response = self.client.get(survey.get_absolute_url())
        counts = dict(response.context["record"].answer_counts())
        pathways = counts["had information on regular pathways"]
        self.assertEqual(pathways, [("Yes", 0, 0), ("No", 3, 100), ("No answer", 1, None)])
        sources = dict(
            (label, count)
            for label, count, _percent in counts["main source of information about the route"]
        )
        self.assertEqual(sources["Family and friends who migrated"], 3)
        self.assertContains(response, '<dd class="col-sm-8" id="respondents">4</dd>')

    def test_the_page_makes_the_same_queries_for_1_and_50_respondents(self) -> None:
        one = make_survey_round(self.darien, self.field_a, responses=1)
        fifty = make_survey_round(self.darien, self.field_a, responses=50)
        self.login(self.supervisor_a)
        with self.assertNumQueries(14):
            self.client.get(one.get_absolute_url())
        with self.assertNumQueries(14):
            response = self.client.get(fifty.get_absolute_url())
        self.assertContains(response, '<dd class="col-sm-8" id="respondents">50</dd>')
