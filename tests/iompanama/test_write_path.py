"""Approved data change only through review: one write path for forms, imports and the admin,
four eyes on content, the period lock, and one record per form."""

import datetime
import hashlib
import uuid
from unittest import mock

from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from activities.models import CommunicationReach, Donation, ItemCategory, TrainingTopic
from activities.resources import ReachResource
from cases.models import AVRCase, LegalOrientationCase
from iompanama.models import (
    ApprovedRecordLine,
    MadeOnce,
    PeriodLock,
    PeriodLocked,
    Region,
    ReviewRefused,
    ReviewStatus,
    Transition,
)
from reports.figures import Period, avr, donations, factsheet, legal_orientation
from reports.models import PublishedFactsheet
from tests.factories import (
    make_avr_case,
    make_beneficiary,
    make_donation,
    make_legal_case,
    make_reach,
    make_training,
)
from tests.imports.helpers import csv_file
from tests.personas import PersonasTestCase
from tests.records import formset_data

Q3 = Period.quarter(2023, 3)
REACH = "activities.communicationreach"


def approved(record, author, reviewer):
    record.submit(by=author)
    record.approve(by=reviewer)
    record.refresh_from_db()
    return record


def reach_row(key: str, people: int, site: str = "darien-office") -> list:
    return [key, site, "2023-09-01", "web", "Campaña", people]


class WritePathTestCase(PersonasTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"

    def import_reach(self, user, rows: list[list], **data):
        self.login(user)
        url = reverse("activities:reach_import")
        response = self.client.post(url, {"file": csv_file(rows), **data})
        if "token" in response.context:
            return self.client.post(url, {"token": response.context["token"]})
        return response

    def edit_donation_item(self, user, donation, **changes):
        """Posts the donation's edit form with its one item line changed."""
        item = donation.items.get()
        line = {
            "id": str(item.pk),
            "category": str(item.category_id),
            "description": item.description,
            "quantity": str(item.quantity),
            "unit": item.unit,
        }
        self.login(user)
        data = {
            "site": str(donation.site_id),
            "delivery_date": donation.delivery_date.isoformat(),
            "recipient": donation.recipient,
            "donor": str(donation.donor_id),
            "seen_version": str(donation.version),
            **formset_data("items", line | changes, initial=1),
        }
        return self.client.post(donation.get_edit_url(), data)

    def edit_reach(self, user, record, **changes):
        self.login(user)
        data = {
            "site": str(record.site_id),
            "date": record.date.isoformat(),
            "channel": record.channel,
            "campaign": record.campaign,
            "people_reached": str(record.people_reached),
            "seen_version": str(record.version),
        } | changes
        return self.client.post(record.get_edit_url(), data)


class FourEyesTest(WritePathTestCase):
    def test_an_administrator_who_edits_an_approved_record_cannot_approve_her_edit(self) -> None:
        donation = approved(
            make_donation(self.darien, self.field_a), self.field_a, self.supervisor_a
        )
        self.edit_donation_item(self.admin, donation, quantity="9454")
        donation.refresh_from_db()
        self.assertEqual(donation.status, ReviewStatus.SUBMITTED)
        response = self.client.post(reverse("approve", args=["activities.donation", donation.pk]))
        self.assertEqual(response.status_code, 403)
        donation.refresh_from_db()
        self.assertEqual(donation.status, ReviewStatus.SUBMITTED)
        self.assertFalse(donation.may_review(self.admin))
        page = self.client.get(donation.get_absolute_url())
        self.assertContains(page, "You entered or changed this record")
        # The supervisor, who did not write it, sees the rewrite on the trail and approves it.
        self.assertTrue(donation.may_review(self.supervisor_a))
        edit = donation.transitions.get(kind=Transition.Kind.CONTENT)
        self.assertEqual((edit.by, edit.from_status), (self.admin, ReviewStatus.APPROVED))
        donation.approve(by=self.supervisor_a)

    def test_whoever_changed_a_record_since_its_approval_is_left_out_of_the_queue(self) -> None:
        record = approved(make_reach(self.darien, self.field_a), self.field_a, self.supervisor_a)
        record.save_changes(by=self.admin, seen_version=record.version)
        self.assertNotIn(record, CommunicationReach.objects.reviewable_by(self.admin))
        self.assertIn(record, CommunicationReach.objects.reviewable_by(self.supervisor_a))
        record.approve(by=self.supervisor_a)
        record.refresh_from_db()
        # Once approved by someone else, her earlier edit no longer stands in her way.
        record.save_changes(by=self.field_a, seen_version=record.version)
        self.assertIn(record, CommunicationReach.objects.reviewable_by(self.admin))

    def test_bulk_approval_skips_a_record_you_changed_and_says_why(self) -> None:
        mine = approved(make_reach(self.darien, self.field_a), self.field_a, self.supervisor_a)
        mine.save_changes(by=self.admin, seen_version=mine.version)
        other = make_reach(self.darien, self.field_a)
        other.submit(by=self.field_a)
        self.login(self.admin)
        response = self.client.post(
            reverse("bulk_approve"),
            {"records": [f"{REACH}:{mine.pk}", f"{REACH}:{other.pk}"]},
            follow=True,
        )
        mine.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual((mine.status, other.status), ("submitted", "approved"))
        self.assertContains(response, "1 record approved.")
        self.assertContains(response, "You entered or changed this record")


class ImportWritePathTest(WritePathTestCase):
    def test_a_supervisor_cannot_rewrite_by_import_a_record_an_administrator_wrote(self) -> None:
        self.import_reach(self.admin, [reach_row("R-1", 40)])
        record = CommunicationReach.objects.get()
        record.return_to_author(by=self.supervisor_a, reason="Revisar")
        response = self.import_reach(self.supervisor_a, [reach_row("R-1", 999999)])
        [error] = response.context["report"].errors
        self.assertIn("entered by another person", error.message)
        record.refresh_from_db()
        self.assertEqual((record.people_reached, record.status), (40, ReviewStatus.RETURNED))

    def test_an_approved_record_is_not_reopened_by_an_import_of_someone_who_may_not_edit_it(
        self,
    ) -> None:
        self.import_reach(self.admin, [reach_row("R-1", 40)])
        CommunicationReach.objects.get().approve(by=self.supervisor_a)
        response = self.import_reach(self.supervisor_a, [reach_row("R-1", 999999)])
        self.assertTrue(response.context["report"].errors)
        record = CommunicationReach.objects.get()
        self.assertEqual((record.people_reached, record.status), (40, ReviewStatus.APPROVED))

    def test_a_supervisors_import_over_a_submitted_record_of_field_staff_writes_nothing(
        self,
    ) -> None:
        record = make_reach(self.darien, self.field_a, external_id="R-1", people_reached=12)
        record.submit(by=self.field_a)
        response = self.import_reach(self.supervisor_a, [reach_row("R-1", 500)])
        [error] = response.context["report"].errors
        self.assertIn("waiting for review", error.message)
        record.refresh_from_db()
        self.assertEqual((record.people_reached, record.version), (12, 2))
        self.assertEqual(record.transitions.count(), 1)

    def test_an_import_is_a_content_change_so_its_importer_cannot_approve_it(self) -> None:
        record = approved(
            make_reach(self.darien, self.field_a, external_id="R-1"),
            self.field_a,
            self.supervisor_a,
        )
        self.import_reach(self.admin, [reach_row("R-1", 77)])
        record.refresh_from_db()
        self.assertEqual((record.people_reached, record.status), (77, ReviewStatus.SUBMITTED))
        step = record.transitions.order_by("pk").last()
        self.assertEqual(
            (step.kind, step.by, step.from_status),
            (Transition.Kind.CONTENT, self.admin, ReviewStatus.APPROVED),
        )
        self.assertIn("Imported from the file f.csv", step.reason)
        with self.assertRaises(ReviewRefused):
            record.approve(by=self.admin)
        record.approve(by=self.supervisor_a)

    def test_approve_on_import_is_its_own_step_naming_the_file_and_its_hash(self) -> None:
        rows = [reach_row("R-1", 40)]
        self.import_reach(self.admin, rows, approve="on")
        record = CommunicationReach.objects.get()
        content = csv_file(rows).read()
        digest = hashlib.sha256(content).hexdigest()
        steps = list(record.transitions.order_by("pk"))
        self.assertEqual(
            [(step.kind, step.to_status) for step in steps],
            [
                (Transition.Kind.CONTENT, ReviewStatus.SUBMITTED),
                (Transition.Kind.IMPORT_APPROVAL, ReviewStatus.APPROVED),
            ],
        )
        self.assertIn(f"f.csv (SHA-256 {digest})", steps[1].reason)
        self.login(self.admin)
        page = self.client.get(record.get_absolute_url())
        self.assertContains(page, digest)
        # The figures' drill-down lists say which approved records no second person read.
        listed = self.client.get(reverse("activities:reach_list"), {"status": "approved"})
        self.assertContains(listed, "on import")

    def test_only_administrators_approve_on_import(self) -> None:
        with self.assertRaises(PermissionDenied):
            ReachResource(user=self.supervisor_a, approve=True)


class PersonChangeTest(WritePathTestCase):
    def test_a_persons_nationality_change_moves_no_approved_figure_until_a_review(self) -> None:
        person = make_beneficiary(self.darien, self.field_a, nationality="VE")
        child = make_beneficiary(self.darien, self.field_a, given_names="Luis", nationality="VE")
        case = make_avr_case(
            person,
            self.field_a,
            family=[child],
            approval_date=datetime.date(2023, 8, 20),
            departure_date=datetime.date(2023, 9, 1),
        )
        approved(case, self.field_a, self.supervisor_a)
        before = avr(Q3)["returned_by_nationality"]
        self.assertEqual(before, [{"code": "VE", "value": 2}])
        self.login(self.field_a)
        for who in (person, child):
            who.refresh_from_db()
            who.nationality = "CU"
            who.save_changes(by=self.field_a, seen_version=who.version)
        self.assertEqual(avr(Q3)["returned_by_nationality"], before)
        page = self.client.get(case.get_absolute_url())
        self.assertContains(page, "counted once the case is reviewed again")
        # A review brings the new nationality into the figures.
        case.refresh_from_db()
        case.save_changes(by=self.field_a, seen_version=case.version)
        case.approve(by=self.supervisor_a)
        self.assertEqual(avr(Q3)["returned_by_nationality"], [{"code": "CU", "value": 2}])

    def test_a_persons_sex_change_moves_no_legal_orientation_figure_until_a_review(self) -> None:
        person = make_beneficiary(self.darien, self.field_a, sex="female")
        case = approved(make_legal_case(person, self.field_a), self.field_a, self.supervisor_a)
        person.sex = "male"
        person.save_changes(by=self.field_a, seen_version=person.version)
        self.assertEqual(legal_orientation(Q3)["by_sex"]["female"], 1)
        self.assertEqual(case.counted_values()[0][1:], ("Female", "Male"))


class LinesTest(WritePathTestCase):
    def test_a_line_saved_on_its_own_on_an_approved_record_is_refused(self) -> None:
        donation = approved(
            make_donation(self.darien, self.field_a), self.field_a, self.supervisor_a
        )
        meals = ItemCategory.objects.get(code="meals")
        before = donations(Q3)
        with self.assertRaises(ApprovedRecordLine):
            donation.items.create(category=meals, description="Cenas", quantity=9000, unit="u")
        with self.assertRaises(ApprovedRecordLine):
            donation.items.get().delete()
        self.assertEqual(donations(Q3), before)

    def test_changing_a_line_through_the_record_reopens_it(self) -> None:
        donation = approved(
            make_donation(self.darien, self.field_a), self.field_a, self.supervisor_a
        )
        self.edit_donation_item(self.field_a, donation, quantity="51")
        donation.refresh_from_db()
        self.assertEqual(donation.status, ReviewStatus.SUBMITTED)
        self.assertEqual(donation.items.get().quantity, 51)

    def test_a_session_before_the_case_opened_is_refused_by_form_and_by_import_alike(self) -> None:
        person = make_beneficiary(self.darien, self.field_a)
        case = LegalOrientationCase(
            site=self.darien, beneficiary=person, opened_on=datetime.date(2023, 9, 4)
        )
        session = case.sessions.model(case=case, date=datetime.date(2023, 9, 1))
        self.assertIn("date", case.check_line(session, []))
        self.login(self.field_a)
        response = self.client.post(
            reverse("cases:legal_create"),
            {
                "site": str(self.darien.pk),
                "beneficiary": str(person.pk),
                "opened_on": "2023-09-04",
                "topic_migration": "on",
                **formset_data(
                    "sessions",
                    {"date": "2023-09-01", "topic_migration": "on", "counsellor": "Ríos"},
                ),
            },
        )
        self.assertIn("before the case was opened", str(response.context["formset"].errors))
        self.assertFalse(LegalOrientationCase.objects.exists())


class HistoryTest(WritePathTestCase):
    def test_the_timeline_shows_a_line_a_topic_and_a_person_change_with_the_steps(self) -> None:
        training = make_training(self.darien, self.field_a)
        training.topics.add(TrainingTopic.objects.exclude(code="regularization").first())
        donation = make_donation(self.darien, self.field_a)
        item = donation.items.get()
        item.quantity = 75
        item.save()
        person = make_beneficiary(self.darien, self.field_a, nationality="VE")
        case = make_legal_case(person, self.field_a)
        person.nationality = "CO"
        person.save_changes(by=self.field_a, seen_version=person.version)
        case.submit(by=self.field_a)
        self.login(self.field_a)
        page = self.client.get(donation.get_absolute_url())
        self.assertContains(page, "Item line: 75 kits")
        self.assertContains(page, "50 → 75")
        page = self.client.get(training.get_absolute_url())
        self.assertContains(page, "Topics")
        page = self.client.get(case.get_absolute_url())
        self.assertContains(page, "Beneficiary: María José Pérez Gómez")
        self.assertContains(page, "Venezuela → Colombia")
        self.assertContains(page, "Draft → Submitted")


class OneRecordPerFormTest(WritePathTestCase):
    def _post(self, intent: str):
        return self.client.post(
            reverse("activities:reach_create"),
            {
                "site": str(self.darien.pk),
                "date": "2023-09-15",
                "channel": "facebook",
                "campaign": "Migración segura",
                "people_reached": "120",
                "intent": intent,
            },
        )

    def test_the_same_form_posted_five_times_makes_one_record(self) -> None:
        self.login(self.field_a)
        intent = str(uuid.uuid4())
        responses = [self._post(intent) for _ in range(5)]
        record = CommunicationReach.objects.get()
        for response in responses:
            self.assertRedirects(response, record.get_absolute_url())

    def test_a_parallel_post_that_loses_the_race_shows_the_record_made(self) -> None:
        self.login(self.field_a)
        intent = str(uuid.uuid4())
        self._post(intent)
        record = CommunicationReach.objects.get()
        # As if the other post had not committed when this one looked: the database's unique
        # token refuses the second record, and the page shows the first.
        found = iter([None, record])
        with mock.patch.object(MadeOnce, "made_by_form", side_effect=lambda *a: next(found)):
            response = self._post(intent)
        self.assertRedirects(response, record.get_absolute_url())
        self.assertEqual(CommunicationReach.objects.count(), 1)

    def test_a_new_form_has_its_own_token(self) -> None:
        self.login(self.field_a)
        first = self.client.get(reverse("activities:reach_create")).context["form"]
        second = self.client.get(reverse("activities:reach_create")).context["form"]
        self.assertNotEqual(first["intent"].value(), second["intent"].value())


class PeriodLockTest(WritePathTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.record = approved(
            make_reach(cls.darien, cls.field_a, external_id="R-1"), cls.field_a, cls.supervisor_a
        )
        cls.pending = make_reach(cls.darien, cls.field_a, people_reached=5)
        cls.pending.submit(by=cls.field_a)
        cls.published = PublishedFactsheet.publish(Q3.start, Q3.end, by=cls.admin)
        cls.lock = PeriodLock.objects.get()

    def assert_locked_message(self, text: str) -> None:
        self.assertIn("01/07/2023–30/09/2023 v1", text)

    def test_publishing_locks_the_period(self) -> None:
        self.assertEqual((self.lock.start, self.lock.end), (Q3.start, Q3.end))
        self.assertEqual(self.lock.factsheet, str(self.published))

    def test_an_edit_of_an_approved_record_in_a_locked_period_is_refused(self) -> None:
        response = self.edit_reach(self.field_a, self.record, people_reached="999")
        self.assertEqual(response.status_code, 200)
        self.assert_locked_message(str(next(iter(response.context["messages"]))))
        self.record.refresh_from_db()
        self.assertEqual((self.record.people_reached, self.record.status), (120, "approved"))

    def test_moving_a_record_into_a_locked_period_or_creating_one_there_is_refused(self) -> None:
        draft = make_reach(self.darien, self.field_a, date=datetime.date(2023, 10, 2))
        response = self.edit_reach(self.field_a, draft, date="2023-09-30")
        self.assert_locked_message(str(next(iter(response.context["messages"]))))
        with self.assertRaises(PeriodLocked):
            make_reach(self.darien, self.field_a)
        self.assertEqual(CommunicationReach.objects.count(), 3)

    def test_approving_a_record_of_a_locked_period_is_refused_one_by_one_and_in_bulk(
        self,
    ) -> None:
        with self.assertRaises(ReviewRefused) as refused:
            self.pending.approve(by=self.supervisor_a)
        self.assert_locked_message(str(refused.exception))
        self.login(self.supervisor_a)
        response = self.client.post(
            reverse("bulk_approve"), {"records": f"{REACH}:{self.pending.pk}"}, follow=True
        )
        self.assertContains(response, "01/07/2023–30/09/2023 v1")
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.status, ReviewStatus.SUBMITTED)

    def test_an_import_row_in_a_locked_period_is_refused(self) -> None:
        for rows in ([reach_row("R-1", 999)], [reach_row("R-2", 5)]):
            with self.subTest(rows=rows):
                response = self.import_reach(self.admin, rows)
                [error] = response.context["report"].errors
                self.assert_locked_message(error.message)
        self.assertEqual(CommunicationReach.objects.count(), 2)

    def test_the_admin_cannot_change_or_delete_an_approved_record(self) -> None:
        request = RequestFactory().get("/")
        request.user = self.admin
        model_admin = admin_site._registry[CommunicationReach]
        self.assertFalse(model_admin.has_change_permission(request, self.record))
        self.assertFalse(model_admin.has_delete_permission(request, self.record))
        self.assertFalse(model_admin.has_delete_permission(request))

    def test_an_administrator_unlocks_with_a_reason_and_both_steps_are_recorded(self) -> None:
        self.login(self.admin)
        url = reverse("unlock_period", args=[self.lock.pk])
        self.client.post(url, {"reason": " "})
        self.lock.refresh_from_db()
        self.assertIsNone(self.lock.unlocked_at)
        self.client.post(url, {"reason": "SNM corrected September"})
        self.lock.refresh_from_db()
        self.assertEqual(
            (self.lock.unlocked_by, self.lock.unlock_reason),
            (self.admin, "SNM corrected September"),
        )
        response = self.edit_reach(self.field_a, self.record, people_reached="130")
        self.record.refresh_from_db()
        self.assertEqual(self.record.status, ReviewStatus.SUBMITTED)
        self.login(self.admin)
        self.client.post(reverse("relock_period", args=[self.lock.pk]))
        self.assertEqual(PeriodLock.objects.in_force().count(), 1)
        response = self.client.get(
            reverse("reports:figures"), {"start": "2023-07-01", "end": "2023-09-30"}
        )
        self.assertContains(response, "SNM corrected September")
        self.assertContains(response, "Unlocked by")
        self.assertEqual(PeriodLock.objects.count(), 2)

    def test_other_persons_may_not_unlock(self) -> None:
        for user in (self.field_a, self.supervisor_a, self.viewer):
            self.login(user)
            url = reverse("unlock_period", args=[self.lock.pk])
            self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 403)
        self.lock.refresh_from_db()
        self.assertIsNone(self.lock.unlocked_at)


class PublishedFiguresHoldTest(WritePathTestCase):
    """The held-out check: a small dataset published, then every write path tried on it."""

    def test_no_write_path_moves_a_published_or_current_figure(self) -> None:
        person = make_beneficiary(self.darien, self.field_a, nationality="VE")
        avr_case = approved(
            make_avr_case(
                person,
                self.field_a,
                approval_date=datetime.date(2023, 8, 20),
                departure_date=datetime.date(2023, 9, 1),
            ),
            self.field_a,
            self.supervisor_a,
        )
        approved(make_legal_case(person, self.field_a), self.field_a, self.supervisor_a)
        donation = approved(
            make_donation(self.darien, self.field_a), self.field_a, self.supervisor_a
        )
        reach = approved(
            make_reach(self.darien, self.field_a, external_id="R-1"),
            self.field_a,
            self.supervisor_a,
        )
        pending = make_reach(self.darien, self.field_a, people_reached=3)
        pending.submit(by=self.field_a)
        published = PublishedFactsheet.publish(Q3.start, Q3.end, by=self.admin)
        figures_then = factsheet(Q3)

        self.edit_reach(self.admin, reach, people_reached="999999")  # a form
        self.import_reach(self.admin, [reach_row("R-1", 999999)])  # an import
        self.import_reach(self.admin, [reach_row("R-9", 5)], approve="on")  # approve on import
        with self.assertRaises(ReviewRefused):
            pending.approve(by=self.supervisor_a)  # a late approval
        self.login(self.supervisor_a)
        self.client.post(reverse("bulk_approve"), {"records": f"{REACH}:{pending.pk}"})
        with self.assertRaises(ApprovedRecordLine):  # a line on its own
            donation.items.update_or_create(pk=donation.items.get().pk, defaults={"quantity": 1})
        person.nationality = "CU"  # a person the figures count
        person.sex = "male"
        person.save_changes(by=self.field_a, seen_version=person.version)
        with self.assertRaises(PeriodLocked):
            avr_case.save_changes(by=self.admin, seen_version=avr_case.version)

        self.assertEqual(factsheet(Q3), figures_then)
        published.refresh_from_db()
        self.assertEqual(published.figures, PublishedFactsheet.objects.get().figures)
        self.assertEqual(PublishedFactsheet.objects.count(), 1)
        self.assertEqual(AVRCase.objects.get().status, ReviewStatus.APPROVED)
        self.assertEqual(Donation.objects.get().items.get().quantity, 50)


class RegionAdminTest(WritePathTestCase):
    def test_the_region_admin_pages_open(self) -> None:
        region = Region.objects.create(name="Darién")
        self.login(self.admin)
        response = self.client.get(reverse("admin:iompanama_region_change", args=[region.pk]))
        self.assertEqual(response.status_code, 200)
        response = self.client.get(reverse("admin:iompanama_region_history", args=[region.pk]))
        self.assertEqual(response.status_code, 200)
