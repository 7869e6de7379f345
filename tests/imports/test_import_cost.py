"""What an import or export costs depends on the file, not on the size of the database."""

import gc

from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from activities.models import CommunicationReach
from activities.resources import ReachResource
from cases.models import Beneficiary, LegalOrientationCase
from cases.resources import LegalCaseResource
from iompanama.files.exports import rows_of
from iompanama.files.imports import UnreadableFile, import_rows, read_table
from tests.factories import make_beneficiary, make_legal_case
from tests.imports.helpers import csv_file
from tests.imports.test_case_import import LEGAL_HEADER
from tests.personas import PersonasTestCase


class ImportCostTest(PersonasTestCase):
    def test_a_case_import_reads_only_the_people_its_file_names(self) -> None:
        named = make_beneficiary(self.darien, self.field_a, external_id="B-1")
        for number in range(30):
            make_beneficiary(
                self.darien, self.field_a, given_names=f"P{number}", external_id=f"X{number}"
            )
        rows = [
            ["C-1", "darien-office", "B-1", "2023-09-01", "yes", "2023-09-01", "Ríos", "yes", "no"],
            [
                "C-2",
                "darien-office",
                f"#{named.pk}",
                "2023-09-02",
                "yes",
                "2023-09-02",
                "Ríos",
                "yes",
                "no",
            ],
        ]
        people_read = []

        def count(sender, instance, **kwargs):
            people_read.append(instance.pk)

        post_init.connect(count, sender=Beneficiary)
        try:
            report = import_rows(
                LegalCaseResource(user=self.admin),
                read_table("f.csv", csv_file(rows, LEGAL_HEADER).read()),
                dry_run=False,
            )
        finally:
            post_init.disconnect(count, sender=Beneficiary)
        self.assertEqual((report.errors, report.created), ([], 2))
        self.assertEqual(set(people_read), {named.pk})
        self.assertEqual(LegalOrientationCase.objects.filter(beneficiary=named).count(), 2)

    def test_an_export_with_lines_joins_only_what_its_columns_print(self) -> None:
        make_legal_case(make_beneficiary(self.darien, self.field_a), self.field_a)
        resource = LegalCaseResource(user=self.admin)
        with CaptureQueriesContext(connection) as queries:
            list(rows_of(resource, LegalOrientationCase.objects.all()))
        sessions = [q["sql"] for q in queries if 'FROM "cases_counsellingsession"' in q["sql"]]
        self.assertEqual(len(sessions), 1)
        self.assertNotIn("JOIN", sessions[0])

    def test_the_cycle_collector_rests_during_an_import_and_is_back_on_after(self) -> None:
        # An import's objects live until it ends: scanning them again and again was a fifth
        # of its time.
        enabled_while_importing = []

        def note(sender, instance, **kwargs):
            enabled_while_importing.append(gc.isenabled())

        rows = [["R-1", "darien-office", "2023-09-01", "web", "A", 10]]
        post_init.connect(note, sender=CommunicationReach)
        try:
            report = import_rows(
                ReachResource(user=self.admin),
                read_table("f.csv", csv_file(rows).read()),
                dry_run=True,
            )
        finally:
            post_init.disconnect(note, sender=CommunicationReach)
        self.assertEqual((report.errors, set(enabled_while_importing)), ([], {False}))
        self.assertTrue(gc.isenabled())
        with self.assertRaises(UnreadableFile):
            read_table("f.csv", b"")
        self.assertTrue(gc.isenabled())
