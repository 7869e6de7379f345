"""Merging two records of one person: a step that moves "distinct people", so a second person
approves it before it takes effect, never over a locked period; every row that names the
merged record moves to the kept one, which the merged record (a tombstone) points to; it is
one step in both people's history, and can be undone until the period is locked."""

import datetime

from django.urls import reverse
from django.utils import translation

from cases.models import (
    AVRFamilyMember,
    Beneficiary,
    LegalOrientationCase,
    PersonMerge,
    PossibleDuplicate,
)
from iompanama.history import history_entries
from iompanama.models import PeriodLock, PeriodLocked, ReviewRefused, Sex
from reports import figures
from reports.figures import Period
from tests.factories import make_avr_case, make_beneficiary, make_legal_case
from tests.personas import PersonasTestCase

Q3 = Period.quarter(2023, 3)


class MergeTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # The same woman, registered at the sub-office and again at the reception station.
        cls.known = make_beneficiary(cls.darien, cls.field_a)
        cls.again = make_beneficiary(cls.darien_etrm, cls.field_a)
        cls.pair = PossibleDuplicate.objects.get()
        # Each record counselled once in September 2023: two "distinct people" so far.
        cls.known_case = cls._approved(make_legal_case(cls.known, cls.field_a))
        cls.again_case = cls._approved(
            make_legal_case(cls.again, cls.field_a, opened_on=datetime.date(2023, 9, 10))
        )
        cls.again_return = cls._approved(make_avr_case(cls.again, cls.field_a))
        mother = make_beneficiary(
            cls.darien_etrm, cls.field_a, given_names="Rosa", family_names="Gil"
        )
        cls.family_return = cls._approved(make_avr_case(mother, cls.field_a, family=[cls.again]))

    @classmethod
    def _approved(cls, case):
        case.submit(by=cls.field_a)
        case.approve(by=cls.supervisor_a)
        return case

    def setUp(self) -> None:
        # The refusals and steps are read in English, whatever an earlier test activated.
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def _propose(self, by=None) -> PersonMerge:
        return PersonMerge.propose(self.pair, kept=self.known, by=by or self.supervisor_a)

    def _people_counselled(self) -> int:
        return figures.legal_orientation(Q3)["people"]

    def test_a_merge_awaiting_review_leaves_the_figures_and_counts_one_person_once_approved(
        self,
    ) -> None:
        self.assertEqual(self._people_counselled(), 2)
        merge = self._propose()
        self.assertEqual(self._people_counselled(), 2)
        merge.approve(by=self.admin)
        self.assertEqual(self._people_counselled(), 1)

    def test_the_person_kept_is_counted_as_the_record_kept_says_in_every_case(self) -> None:
        merge = self._propose()
        # As if the second record said "male" when its case was approved.
        LegalOrientationCase.objects.filter(pk=self.again_case.pk).update(counted_sex=Sex.MALE)
        self.assertEqual(figures.legal_orientation(Q3)["by_sex"]["male"], 1)
        merge.approve(by=self.admin)
        counted = figures.legal_orientation(Q3)
        self.assertEqual((counted["people"], counted["by_sex"]["female"]), (1, 1))
        self.assertEqual(counted["by_sex"]["male"], 0)

    def test_the_person_who_proposed_it_may_not_approve_it(self) -> None:
        merge = self._propose()
        with self.assertRaisesMessage(ReviewRefused, "another person must review it"):
            merge.approve(by=self.supervisor_a)
        self.again.refresh_from_db()
        self.assertIsNone(self.again.merged_into)
        self.assertEqual(merge.status, PersonMerge.Status.PROPOSED)

    def test_a_merge_moves_every_row_naming_the_person_and_leaves_a_tombstone(self) -> None:
        self._propose().approve(by=self.admin)
        for case in (self.again_case, self.again_return, self.known_case):
            case.refresh_from_db()
        self.assertEqual(self.again_case.beneficiary, self.known)
        self.assertEqual(self.again_return.principal, self.known)
        self.assertEqual(
            AVRFamilyMember.objects.get(case=self.family_return).beneficiary, self.known
        )
        self.again.refresh_from_db()
        self.assertEqual(self.again.merged_into, self.known)
        self.assertFalse(Beneficiary.objects.filter(legal_cases__beneficiary=self.again))

    def test_the_identity_document_moves_when_only_the_merged_record_had_one(self) -> None:
        self.again.document_type, self.again.document_number = "passport", "V123"
        self.again.save_changes(by=self.field_a, seen_version=self.again.version)
        merge = self._propose()
        merge.approve(by=self.admin)
        self.known.refresh_from_db()
        self.assertEqual(self.known.document(), ("passport", "V123"))
        self._undo(merge)
        self.known.refresh_from_db()
        self.assertIsNone(self.known.document())

    def test_a_merge_into_a_record_merged_since_is_refused(self) -> None:
        merge = self._propose()
        third = make_beneficiary(self.darien, self.field_a, family_names="Pérez")
        later = PossibleDuplicate.objects.get(second=third, first=self.known)
        PersonMerge.propose(later, kept=third, by=self.admin).approve(by=self.supervisor_a)
        with self.assertRaisesMessage(ReviewRefused, "merged into another since"):
            merge.approve(by=self.admin)

    def test_a_record_is_merged_into_one_other_at_a_time(self) -> None:
        self._propose()
        third = make_beneficiary(self.darien, self.field_a, family_names="Pérez")
        other_pair = PossibleDuplicate.objects.get(first=self.again, second=third)
        with self.assertRaisesMessage(ReviewRefused, "already being merged"):
            PersonMerge.propose(other_pair, kept=third, by=self.admin)
        other_pair.refresh_from_db()
        self.assertEqual(other_pair.decision, PossibleDuplicate.Decision.PENDING)

    def test_an_old_link_to_the_merged_record_leads_to_the_record_kept(self) -> None:
        self._propose().approve(by=self.admin)
        self.login(self.field_a)
        response = self.client.get(self.again.get_absolute_url())
        self.assertRedirects(response, self.known.get_absolute_url())
        people = self.client.get(reverse("cases:beneficiary_list")).context["page"]
        self.assertNotIn(self.again, list(people))
        found = self.client.get(reverse("cases:people_search"), {"q": "María"}).json()
        self.assertEqual([row["value"] for row in found["results"]], [self.known.pk])

    def test_the_merge_is_one_step_in_the_history_of_both_people(self) -> None:
        self._propose().approve(by=self.admin)
        for person in (self.known, self.again):
            with self.subTest(person=person.pk):
                steps = [
                    entry.kind
                    for entry in history_entries(person, steps=person.merge_steps())
                    if entry.is_step
                ]
                self.assertEqual(steps, ["Merge approved", "Merge proposed"])
        case_changes = [
            (change.field, change.old, change.new)
            for entry in history_entries(self.again_case)
            for change in entry.changes
        ]
        self.assertIn(("beneficiary", self.again, self.known), case_changes)

    def test_a_merge_is_refused_over_a_locked_period(self) -> None:
        PeriodLock.lock(Q3.start, Q3.end, factsheet="Q3 2023", by=self.admin)
        merge = self._propose()
        with self.assertRaisesMessage(PeriodLocked, "Q3 2023"):
            merge.approve(by=self.admin)
        self.again_case.refresh_from_db()
        self.assertEqual(self.again_case.beneficiary, self.again)
        self.assertEqual(self._people_counselled(), 2)

    def _undo(self, merge: PersonMerge) -> None:
        merge.propose_undo(by=self.supervisor_a)
        merge.approve(by=self.admin)

    def test_an_undo_awaiting_review_leaves_the_figures_until_another_person_approves_it(
        self,
    ) -> None:
        merge = self._propose()
        merge.approve(by=self.admin)
        merge.propose_undo(by=self.supervisor_a)
        self.assertEqual(self._people_counselled(), 1)
        with self.assertRaisesMessage(ReviewRefused, "You asked for this undo"):
            merge.approve(by=self.supervisor_a)
        merge.reject(by=self.admin)
        self.assertEqual(merge.status, PersonMerge.Status.APPROVED)
        merge.propose_undo(by=self.supervisor_a)
        merge.approve(by=self.admin)
        self.assertEqual(self._people_counselled(), 2)
        steps = [str(step) for step in self.known.merge_steps()]
        self.assertEqual(
            steps,
            [
                "Merge proposed",
                "Merge approved",
                "Undo of the merge proposed",
                "Undo of the merge rejected",
                "Undo of the merge proposed",
                "Merge undone",
            ],
        )

    def test_undo_moves_every_row_back_until_the_period_is_locked(self) -> None:
        merge = self._propose()
        merge.approve(by=self.admin)
        self._undo(merge)
        self.again.refresh_from_db()
        self.again_case.refresh_from_db()
        self.assertIsNone(self.again.merged_into)
        self.assertEqual(self.again_case.beneficiary, self.again)
        self.assertEqual(self._people_counselled(), 2)
        self.assertEqual(PossibleDuplicate.objects.to_decide().get(), self.pair)

        merge = self._propose()
        merge.approve(by=self.admin)
        PeriodLock.lock(Q3.start, Q3.end, factsheet="Q3 2023", by=self.admin)
        with self.assertRaisesMessage(PeriodLocked, "Q3 2023"):
            merge.propose_undo(by=self.supervisor_a)
        self.assertEqual(self._people_counselled(), 1)

    def test_an_undo_proposed_before_the_lock_is_refused_after_it(self) -> None:
        merge = self._propose()
        merge.approve(by=self.admin)
        merge.propose_undo(by=self.supervisor_a)
        PeriodLock.lock(Q3.start, Q3.end, factsheet="Q3 2023", by=self.admin)
        with self.assertRaisesMessage(PeriodLocked, "Q3 2023"):
            merge.approve(by=self.admin)
        self.assertEqual(self._people_counselled(), 1)

    def test_two_records_in_one_return_case_are_not_merged(self) -> None:
        both = make_avr_case(self.known, self.field_a, family=[self.again])
        merge = self._propose()
        with self.assertRaisesMessage(ReviewRefused, "same return case"):
            merge.approve(by=self.admin)
        self.assertTrue(both.family.filter(beneficiary=self.again).exists())

    def test_reviewers_approve_reject_and_undo_from_the_queue(self) -> None:
        merge = self._propose(by=self.admin)
        self.login(self.supervisor_a)
        self.client.cookies["django_language"] = "en"
        queue = self.client.get(reverse("cases:duplicate_queue"))
        self.assertEqual(list(queue.context["proposed"]), [merge])
        response = self.client.post(reverse("cases:merge_reject", args=[merge.pk]), follow=True)
        self.assertContains(response, "Rejected: nothing has changed.")
        self.assertEqual(PossibleDuplicate.objects.to_decide().get(), self.pair)

        merge = self._propose(by=self.admin)
        self.client.post(reverse("cases:merge_approve", args=[merge.pk]))
        merge.refresh_from_db()
        self.assertEqual(merge.status, PersonMerge.Status.APPROVED)
        self.client.post(reverse("cases:merge_undo", args=[merge.pk]))
        merge.refresh_from_db()
        self.assertEqual(merge.status, PersonMerge.Status.UNDO_PROPOSED)
        queue = self.client.get(reverse("cases:duplicate_queue"))
        self.assertEqual(list(queue.context["proposed"]), [merge])
        self.login(self.admin)
        self.client.post(reverse("cases:merge_approve", args=[merge.pk]))
        merge.refresh_from_db()
        self.assertEqual(merge.status, PersonMerge.Status.UNDONE)

    def test_the_proposer_is_told_why_they_may_not_approve(self) -> None:
        merge = self._propose()
        self.login(self.supervisor_a)
        self.client.cookies["django_language"] = "en"
        response = self.client.post(reverse("cases:merge_approve", args=[merge.pk]), follow=True)
        self.assertContains(response, "You proposed this merge")
