"""The demo command: realistic data, loaded once however often it runs."""

import io

from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Q, Sum
from django.test import TestCase
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from activities.models import (
    CommunicationReach,
    Donation,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyResponse,
    TrainingSession,
)
from cases.models import AVRCase, AVRFamilyMember, Beneficiary
from iompanama.access import reviewable_models
from iompanama.management.commands.demo import DEMO_TOTP_KEY
from iompanama.models import Site, User
from iompanama.roles import Role


class DemoCommandTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo", stdout=io.StringIO())

    def test_demo_data_can_be_loaded_twice_without_duplicates(self) -> None:
        def counts() -> list[int]:
            records = [model.objects.count() for model in reviewable_models().values()]
            return [Site.objects.count(), User.objects.count(), *records]

        first = counts()
        call_command("demo", stdout=io.StringIO())
        self.assertEqual(first, counts())
        self.assertEqual(first[1], 5)
        self.assertTrue(CommunicationReach.objects.exists())
        self.assertTrue(Site.objects.filter(kind=Site.Kind.ETRM, name__contains="Lajas Blancas"))

    def test_the_demo_crossings_match_the_factsheet(self) -> None:
        """August and September 2023: 157,214 people, almost twice as many as a year earlier."""
        approved = MigrationFlowStatistic.objects.approved()

        def august_and_september(year: int) -> dict:
            months = approved.filter(month__year=year, month__month__in=[8, 9])
            return months.aggregate(crossed=Sum("crossed_total"), adults=Sum("adults"))

        figures = august_and_september(2023)
        self.assertEqual(figures["crossed"], 157214)
        self.assertEqual(round(100 * figures["adults"] / figures["crossed"]), 77)
        self.assertAlmostEqual(figures["crossed"] / august_and_september(2022)["crossed"], 2, 1)
        self.assertTrue(MedicalAttentionTally.objects.approved().exists())

    def test_the_mission_profile_is_the_factsheets(self) -> None:
        profile = apps.get_model("reports", "MissionProfile").objects.get()
        self.assertEqual((profile.staff_national, profile.staff_international), (153, 43))

    def test_the_demo_administrator_and_supervisor_sign_in_with_the_printed_key(self) -> None:
        out = io.StringIO()
        call_command("demo", stdout=out)
        self.assertIn("J5EU2ICQMFXGC3LBEBSGK3LPEBVWK6JB", out.getvalue())
        for username in ("admin", "supervisora"):
            with self.subTest(username=username):
                device = TOTPDevice.objects.get(user__username=username, confirmed=True)
                self.assertEqual(device.key, DEMO_TOTP_KEY)
                self.assertTrue(device.verify_token(f"{totp(device.bin_key):06d}"))
                recovery = StaticDevice.objects.get(user__username=username)
                self.assertTrue(recovery.verify_token("demo0001"))
        self.assertFalse(TOTPDevice.objects.filter(user__username="campo.darien").exists())

    def test_there_is_one_demo_user_per_role(self) -> None:
        for role in Role:
            with self.subTest(role=role):
                self.assertTrue(User.objects.filter(groups__name=role).exists())

    def test_the_demo_has_a_year_of_cases(self) -> None:
        nationalities = set(Beneficiary.objects.values_list("nationality", flat=True))
        self.assertLessEqual({"VE", "CO", "EC", "HT", "CN"}, nationalities)
        self.assertTrue(AVRFamilyMember.objects.exists())
        statuses = set(AVRCase.objects.values_list("status", flat=True))
        self.assertLessEqual({"approved", "submitted", "returned"}, statuses)
        self.assertTrue(AVRCase.objects.at_stage(AVRCase.Stage.DEPARTURE).exists())

    def test_a_year_has_a_few_hundred_donations_with_items_and_trainings_with_topics(self) -> None:
        for model, rows in [(Donation, "items"), (TrainingSession, "topics")]:
            with self.subTest(model=model.__name__):
                records = model.objects.annotate(rows=Count(rows))
                self.assertGreaterEqual(records.count(), 200)
                self.assertFalse(records.filter(rows=0).exists())
                self.assertTrue(records.approved().exists())

    def test_the_survey_answers_are_shaped_like_the_factsheets_july(self) -> None:
        responses = SurveyResponse.objects.filter(round__status="approved")
        answered = responses.aggregate(
            n=Count("pk"),
            family=Count("pk", filter=Q(main_source="family_friends")),
            pathways=Count("pk", filter=~Q(regular_pathways_info="no_answer")),
            no_pathways=Count("pk", filter=Q(regular_pathways_info="no")),
            dangers=Count("pk", filter=~Q(dangers_info="no_answer")),
            no_dangers=Count("pk", filter=Q(dangers_info="no")),
        )
        self.assertGreaterEqual(answered["n"], 300)
        self.assertAlmostEqual(answered["family"] / answered["n"], 0.78, delta=0.05)
        self.assertAlmostEqual(answered["no_pathways"] / answered["pathways"], 0.62, delta=0.06)
        self.assertGreater(answered["no_dangers"] / answered["dangers"], 0.6)

        def most_common(field: str) -> str:
            ranked = responses.exclude(**{field: ""}).values(field).annotate(n=Count("pk"))
            return ranked.order_by("-n")[0][field]

        self.assertEqual(most_common("first_reason"), "economic")
        self.assertEqual(most_common("second_reason"), "insecurity")
