"""Imports write their rows, lines and history with `insert` (PostgreSQL's COPY, issue 14's
speed): what it stores is what `bulk_create` and simple-history's `bulk_history_create` store,
on either database."""

import datetime

from django.utils import timezone

from activities.models import CommunicationReach
from cases.models import AVRCase, AVRFamilyMember, Beneficiary, Sex
from iompanama.files.inserts import insert, insert_history
from iompanama.models import ReviewStatus
from tests.factories import make_beneficiary
from tests.personas import PersonasTestCase

DIFFERENT = {"id", "external_id", "given_names", "name_key", "sort_key", "created_at"}


class InsertTest(PersonasTestCase):
    def person(self, given_names: str) -> Beneficiary:
        """A person with what the value conversion must get right: countries (objects in
        Python, codes in the table), days, choices, true and false, keys, an automatic time."""
        return Beneficiary(
            site=self.darien,
            given_names=given_names,
            family_names="Pérez Gómez",
            name_key=given_names.lower(),
            sex=Sex.FEMALE,
            date_of_birth=datetime.date(1990, 5, 17),
            nationality="VE",
            residence_country="CO",
            consent_given=True,
            consent_date=datetime.date(2023, 9, 1),
            consent_taken_by=self.field_a,
            created_by=self.field_a,
            external_id=given_names,
        )

    def stored(self, row) -> dict:
        values = type(row).objects.filter(pk=row.pk).values().get()
        return {name: value for name, value in values.items() if name not in DIFFERENT}

    def test_rows_are_stored_as_bulk_create_stores_them(self) -> None:
        copied, created = self.person("Ana"), self.person("Eva")
        started = timezone.now()
        insert([copied])
        Beneficiary.objects.bulk_create([created])
        self.assertIsNotNone(copied.pk)
        self.assertFalse(copied._state.adding)
        self.assertEqual(self.stored(copied), self.stored(created))
        self.assertEqual(Beneficiary.objects.get(pk=copied.pk).nationality.code, "VE")
        self.assertGreaterEqual(Beneficiary.objects.get(pk=copied.pk).created_at, started)

    def test_a_line_made_before_its_record_had_a_key_takes_the_key(self) -> None:
        principal = make_beneficiary(self.darien, self.field_a)
        child = make_beneficiary(self.darien, self.field_a, given_names="Luis")
        case = AVRCase(
            site=self.darien,
            principal=principal,
            return_country="VE",
            orientation_date=datetime.date(2023, 8, 1),
            created_by=self.field_a,
            status=ReviewStatus.SUBMITTED,
        )
        line = AVRFamilyMember(
            case=case, beneficiary=child, relationship=AVRFamilyMember.Relationship.CHILD
        )
        insert([case])
        insert([line])
        self.assertEqual(list(case.family.values_list("beneficiary", flat=True)), [child.pk])

    def test_history_is_stored_as_simple_history_stores_it(self) -> None:
        rows = [
            CommunicationReach(
                site=self.darien,
                date=datetime.date(2023, 9, 15),
                channel="facebook",
                campaign=campaign,
                people_reached=10,
                created_by=self.field_a,
                status=ReviewStatus.SUBMITTED,
            )
            for campaign in ("A", "B")
        ]
        insert(rows)
        copied, created = rows
        insert_history([copied], by=self.admin, update=True)
        CommunicationReach.history.bulk_history_create(
            [created], update=True, default_user=self.admin
        )
        differ = {
            "history_id",
            "history_date",
            "id",
            "external_id",
            "campaign",
            "created_at",
            "updated_at",
        }
        copied_history, created_history = (
            {
                name: value
                for name, value in row.history.values().get().items()
                if name not in differ
            }
            for row in rows
        )
        self.assertEqual(copied_history, created_history)
        self.assertEqual(copied_history["history_type"], "~")
        self.assertEqual(copied_history["history_user_id"], self.admin.pk)
        self.assertEqual(copied.history.get().campaign, "A")
