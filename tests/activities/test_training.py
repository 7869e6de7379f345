import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from activities.models import TrainingSession, TrainingTopic
from tests.activities.english import EnglishTestCase
from tests.factories import make_training
from tests.records import (
    assert_each_refused_on_its_field,
    assert_hidden_from,
    assert_list_queries_do_not_grow,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


class TrainingTestCase(EnglishTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.regularization = TrainingTopic.objects.get(code="regularization")
        cls.trafficking = TrainingTopic.objects.get(code="trafficking-smuggling")

    def _post(self, **changes):
        data = {
            "site": str(self.darien.pk),
            "title": "Taller sobre trata de personas",
            "start_date": "2023-09-12",
            "end_date": "2023-09-13",
            "audience_migrants": "on",
            "topics": [str(self.regularization.pk), str(self.trafficking.pk)],
            "women": "12",
            "men": "7",
            "other_or_not_stated": "1",
            "children_adolescents": "5",
            "adults": "15",
            "facilitators": "Lcda. Ríos, Lcdo. Gil",
        } | changes
        return self.client.post(
            reverse("activities:training_create"), {k: v for k, v in data.items() if v is not None}
        )


class CreateTest(TrainingTestCase):
    def test_field_staff_save_a_draft_with_its_topics_and_participants(self) -> None:
        self.login(self.field_a)
        response = self._post()
        training = TrainingSession.objects.get()
        self.assertRedirects(response, training.get_absolute_url())
        self.assertEqual((training.created_by, training.status), (self.field_a, "draft"))
        self.assertEqual(set(training.topics.all()), {self.regularization, self.trafficking})
        self.assertEqual((training.participants, training.adults), (20, 15))

    def test_a_partner_workshop_may_have_several_audiences_and_no_age_groups(self) -> None:
        self.login(self.field_a)
        self._post(
            audience_migrants=None,
            audience_government="on",
            audience_civil_society="on",
            children_adolescents="",
            adults="",
        )
        training = TrainingSession.objects.get()
        self.assertEqual(training.audiences, ["partners: government", "partners: civil society"])
        self.assertIsNone(training.adults)

    def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(self) -> None:
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        nobody = {"women": "0", "men": "0", "other_or_not_stated": "0"}
        no_ages = {"children_adolescents": "", "adults": ""}
        cases = {
            "end before start": (
                "end_date",
                {"end_date": "2023-09-11"},
                "The end date is before the start date.",
            ),
            "future": ("end_date", {"end_date": tomorrow}, "This date is in the future"),
            "no audience": (
                "audience_migrants",
                {"audience_migrants": None},
                "Choose at least one audience.",
            ),
            "no topic": ("topics", {"topics": []}, "This field is required"),
            "nobody": ("women", nobody | no_ages, "Nobody attended"),
            "ages": (
                "children_adolescents",
                {"adults": "16"},
                "The age groups add up to 21, not 20 participants.",
            ),
            "one age group": (
                "children_adolescents",
                {"adults": ""},
                "Give both age groups, or neither.",
            ),
            "ages of partners": (
                "children_adolescents",
                {"audience_migrants": None, "audience_government": "on"},
                "Age groups are given for migrant audiences only.",
            ),
            "negative": ("men", {"men": "-1"}, "greater than or equal to 0"),
            "site": ("site", {"site": self.chiriqui.pk}, "Select a valid choice"),
        }
        self.login(self.field_a)
        assert_each_refused_on_its_field(self, self._post, cases)
        self.assertFalse(TrainingSession.objects.exists())

    def test_an_attendance_sheet_is_kept_and_a_disguised_one_is_refused(self) -> None:
        self.login(self.field_a)
        response = self._post(attendance_sheet=SimpleUploadedFile("hoja.pdf", PNG))
        self.assertIn(
            "not what its name says", str(response.context["form"].errors["attendance_sheet"])
        )
        self.assertFalse(TrainingSession.objects.exists())
        self._post(attendance_sheet=SimpleUploadedFile("hoja.png", PNG))
        training = TrainingSession.objects.get()
        response = self.client.get(reverse("activities:training_sheet", args=[training.pk]))
        self.assertEqual(b"".join(response.streaming_content), PNG)

    def test_the_database_refuses_what_must_never_be_false(self) -> None:
        cases = {
            "end_not_before_start": {"end_date": datetime.date(2023, 9, 1)},
            "has_participants": {"women": 0, "men": 0, "other_or_not_stated": 0},
            "has_an_audience": {"audience_migrants": False},
            "age_groups_sum_to_participants": {"children_adolescents": 1, "adults": 1},
        }
        for constraint, changes in cases.items():
            with (
                self.subTest(constraint),
                self.assertRaisesMessage(IntegrityError, constraint),
                transaction.atomic(),
            ):
                make_training(self.darien, self.field_a, **changes)
        self.assertFalse(TrainingSession.objects.exists())


class ListTest(TrainingTestCase):
    def test_field_staff_see_only_their_sites_records(self) -> None:
        make_training(self.darien, self.field_a, title="De Darién")
        make_training(self.chiriqui, self.field_b, title="De Chiriquí")
        self.login(self.field_b)
        response = self.client.get(reverse("activities:training_list"))
        self.assertContains(response, "De Chiriquí")
        self.assertNotContains(response, "De Darién")

    def test_filters_by_topic_and_dates(self) -> None:
        make_training(self.darien, self.field_a, title="Regularización")
        make_training(self.darien, self.field_a, title="Trata").topics.set([self.trafficking])
        old = make_training(
            self.darien,
            self.field_a,
            title="Trata de agosto",
            start_date=datetime.date(2023, 8, 1),
            end_date=datetime.date(2023, 8, 1),
        )
        old.topics.set([self.trafficking])
        self.login(self.field_a)
        query = {"topics": self.trafficking.pk, "date_from": "2023-09-01"}
        response = self.client.get(reverse("activities:training_list"), query)
        self.assertEqual([r.title for r in response.context["page"]], ["Trata"])

    def test_the_list_makes_the_same_queries_for_1_and_50_rows(self) -> None:
        self.login(self.supervisor_a)
        assert_list_queries_do_not_grow(
            self,
            reverse("activities:training_list"),
            lambda: make_training(self.darien, self.field_a),
            queries=11,
        )


class DetailTest(TrainingTestCase):
    def test_field_staff_of_chiriqui_cannot_open_a_training_of_darien(self) -> None:
        assert_hidden_from(self, self.field_b, make_training(self.darien, self.field_a))

    def test_the_page_shows_the_audience_topics_and_participants(self) -> None:
        training = make_training(self.darien, self.field_a, children_adolescents=4, adults=16)
        self.login(self.supervisor_a)
        response = self.client.get(training.get_absolute_url())
        for label, value in [
            ("Audience", "Migrants and host communities"),
            ("Topics", "Migratory regularization"),
            ("Participants", 20),
            ("Children and adolescents", 4),
        ]:
            self.assertContains(response, f'{label}</dt><dd class="col-sm-8">{value}</dd>')
