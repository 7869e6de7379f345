from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from iompanama.models import InvalidTransition, ReviewStatus, StaleRecord, Transition
from iompanama.roles import Role
from tests.factories import make_reach, make_user
from tests.personas import PersonasTestCase

KIND = "activities.communicationreach"


class TransitionTest(PersonasTestCase):
    def test_the_author_submits_a_draft(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        self.assertEqual(record.status, ReviewStatus.SUBMITTED)
        self.assertIsNotNone(record.submitted_at)

    def test_a_supervisor_of_the_site_approves(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        record.approve(by=self.supervisor_a)
        self.assertEqual(record.status, ReviewStatus.APPROVED)

    def test_a_returned_record_is_corrected_and_submitted_again(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        record.return_to_author(by=self.supervisor_a, reason="Falta la campaña")
        self.assertEqual(record.status, ReviewStatus.RETURNED)
        record.submit(by=self.field_a)
        self.assertEqual(record.status, ReviewStatus.SUBMITTED)

    def test_every_step_is_kept_with_who_when_from_to_and_why(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        record.return_to_author(by=self.supervisor_a, reason="Falta la campaña")
        steps = list(record.transitions.values_list("from_status", "to_status", "by", "reason"))
        self.assertEqual(
            steps,
            [
                ("draft", "submitted", self.field_a.pk, ""),
                ("submitted", "returned", self.supervisor_a.pk, "Falta la campaña"),
            ],
        )
        self.assertTrue(all(step.at for step in record.transitions.all()))

    def test_steps_from_the_wrong_status_are_refused(self) -> None:
        record = make_reach(self.darien, self.field_a)
        with self.assertRaises(PermissionDenied):  # a draft cannot be reviewed
            record.approve(by=self.supervisor_a)
        with self.assertRaises(PermissionDenied):
            record.return_to_author(by=self.supervisor_a, reason="x")
        record.submit(by=self.field_a)
        with self.assertRaises(PermissionDenied):  # already under review
            record.submit(by=self.field_a)
        record.approve(by=self.supervisor_a)
        with self.assertRaises(PermissionDenied):  # approved: edit it to reopen it
            record.approve(by=self.supervisor_a)
        with self.assertRaises(PermissionDenied):
            record.submit(by=self.field_a)
        self.assertEqual(record.transitions.count(), 2)

    def test_a_step_someone_else_took_first_is_refused(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        stale_copy = type(record).objects.get(pk=record.pk)
        record.approve(by=self.supervisor_a)
        with self.assertRaises(InvalidTransition):
            stale_copy.return_to_author(by=self.admin, reason="Too late")
        record.refresh_from_db()
        self.assertEqual(record.status, ReviewStatus.APPROVED)

    def test_nobody_approves_what_they_entered(self) -> None:
        record = make_reach(self.darien, self.supervisor_a)
        record.submit(by=self.supervisor_a)
        with self.assertRaises(PermissionDenied):
            record.approve(by=self.supervisor_a)
        self.assertEqual(record.status, ReviewStatus.SUBMITTED)

    def test_a_supervisor_of_another_site_cannot_review(self) -> None:
        other = make_user("supervisor_b", Role.SUPERVISOR, [self.chiriqui])
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        with self.assertRaises(PermissionDenied):
            record.approve(by=other)

    def test_field_staff_cannot_review_and_others_cannot_submit(self) -> None:
        colleague = make_user("field_a2", Role.FIELD_STAFF, [self.darien])
        record = make_reach(self.darien, self.field_a)
        with self.assertRaises(PermissionDenied):
            record.submit(by=colleague)
        record.submit(by=self.field_a)
        with self.assertRaises(PermissionDenied):
            record.approve(by=colleague)

    def test_return_needs_a_reason(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        with self.assertRaises(ValueError):
            record.return_to_author(by=self.supervisor_a, reason="   ")
        self.assertEqual(record.status, ReviewStatus.SUBMITTED)


class EditTest(PersonasTestCase):
    def _edit(self, user, record, **changes):
        data = {
            "site": record.site_id,
            "date": record.date.isoformat(),
            "channel": record.channel,
            "campaign": record.campaign,
            "people_reached": record.people_reached,
            "seen_version": record.version,
        } | changes
        return self.client.post(reverse("activities:reach_edit", args=[record.pk]), data)

    def test_editing_an_approved_record_sends_it_back_to_review(self) -> None:
        record = make_reach(self.darien, self.field_a, people_reached=100)
        record.submit(by=self.field_a)
        record.approve(by=self.supervisor_a)
        record.refresh_from_db()
        self.login(self.field_a)
        self._edit(self.field_a, record, people_reached=150)
        record.refresh_from_db()
        self.assertEqual((record.status, record.people_reached), (ReviewStatus.SUBMITTED, 150))
        last = record.transitions.last()
        self.assertEqual(
            (last.from_status, last.to_status, last.by), ("approved", "submitted", self.field_a)
        )

    def test_the_second_of_two_saves_is_refused_and_nothing_is_overwritten(self) -> None:
        record = make_reach(self.darien, self.field_a, campaign="Original")
        opened_version = record.version
        self.login(self.admin)
        self._edit(self.admin, record, campaign="Admin's fix")
        self.login(self.field_a)
        response = self._edit(
            self.field_a, record, campaign="Author's fix", seen_version=opened_version
        )
        self.assertContains(response, "Otra persona modificó este registro")
        record.refresh_from_db()
        self.assertEqual(record.campaign, "Admin's fix")

    def test_a_stale_save_raises_on_the_model(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.campaign = "Changed"
        with self.assertRaises(StaleRecord):
            record.save_changes(by=self.field_a, seen_version=record.version - 1)

    def test_a_submitted_record_cannot_be_edited(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        self.login(self.field_a)
        response = self._edit(self.field_a, record, campaign="Changed")
        self.assertEqual(response.status_code, 403)

    def test_history_keeps_who_changed_what_and_when(self) -> None:
        record = make_reach(self.darien, self.field_a, people_reached=100)
        self.login(self.field_a)
        self._edit(self.field_a, record, people_reached=250)
        latest = record.history.first()
        self.assertEqual((latest.history_user, latest.people_reached), (self.field_a, 250))
        response = self.client.get(record.get_absolute_url())
        self.assertContains(response, "100 → 250")


class ReviewPagesTest(PersonasTestCase):
    def test_approving_from_the_queue_returns_to_the_queue(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        self.login(self.supervisor_a)
        response = self.client.post(
            reverse("approve", args=[KIND, record.pk]), {"next": reverse("home")}
        )
        self.assertRedirects(response, reverse("home"))
        record.refresh_from_db()
        self.assertEqual(record.status, ReviewStatus.APPROVED)

    def test_returning_without_a_reason_changes_nothing(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        self.login(self.supervisor_a)
        self.client.post(reverse("return", args=[KIND, record.pk]), {"reason": " "})
        record.refresh_from_db()
        self.assertEqual(record.status, ReviewStatus.SUBMITTED)

    def test_bulk_approve_approves_only_what_the_supervisor_may_review(self) -> None:
        mine = [make_reach(self.darien, self.field_a) for _ in range(3)]
        elsewhere = make_reach(self.chiriqui, self.field_b)
        for record in [*mine, elsewhere]:
            record.submit(by=record.created_by)
        self.login(self.supervisor_a)
        values = [f"{KIND}:{record.pk}" for record in [*mine, elsewhere]]
        self.client.post(reverse("bulk_approve"), {"records": values})
        statuses = {r.pk: r.status for r in type(elsewhere).objects.all()}
        self.assertEqual([statuses[r.pk] for r in mine], ["approved"] * 3)
        self.assertEqual(statuses[elsewhere.pk], "submitted")
        self.assertEqual(Transition.objects.filter(to_status="approved").count(), 3)

    def test_the_record_page_shows_its_review_steps(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        record.return_to_author(by=self.supervisor_a, reason="Falta el enlace")
        self.login(self.field_a)
        response = self.client.get(record.get_absolute_url())
        self.assertContains(response, "Falta el enlace")


class NotificationTest(PersonasTestCase):
    def test_submitting_emails_the_sites_supervisors(self) -> None:
        record = make_reach(self.darien, self.field_a)
        with self.captureOnCommitCallbacks(execute=True):
            record.submit(by=self.field_a)
        self.assertEqual([m.to for m in mail.outbox], [[self.supervisor_a.email]])
        self.assertIn(record.get_absolute_url(), mail.outbox[0].body)

    def test_returning_emails_the_author_in_their_language_with_a_link_to_the_reason(self) -> None:
        self.field_a.language = "en"
        self.field_a.save()
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        with self.captureOnCommitCallbacks(execute=True):
            record.return_to_author(by=self.supervisor_a, reason="Falta el enlace")
        self.assertEqual(mail.outbox[-1].to, [self.field_a.email])
        # The reason is free text that may name someone: it stays on the record's page.
        self.assertNotIn("Falta el enlace", mail.outbox[-1].body)
        self.assertIn(record.get_absolute_url(), mail.outbox[-1].body)
        self.assertIn("Returned to you", mail.outbox[-1].subject)

    def test_approving_emails_the_author_in_spanish_by_default(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        with self.captureOnCommitCallbacks(execute=True):
            record.approve(by=self.supervisor_a)
        self.assertEqual(mail.outbox[-1].to, [self.field_a.email])
        self.assertIn("Aprobado", mail.outbox[-1].subject)
