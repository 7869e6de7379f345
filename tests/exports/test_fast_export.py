import datetime
import io
from unittest import mock

import openpyxl
from django.db import connection
from django.utils import translation

from activities.models import CommunicationReach
from activities.resources import FlowResource, ReachResource
from cases.models import Beneficiary
from cases.resources import BeneficiaryResource
from iompanama.files import exports
from tests.factories import make_beneficiary, make_reach
from tests.personas import PersonasTestCase


def make_rows(personas) -> None:
    """People and reach records whose cells test the exports: formulas, quotes, commas,
    tabs, an estimated age, a leap day."""
    make_beneficiary(
        personas.darien,
        personas.field_a,
        given_names="=HYPERLINK(1)",
        family_names='Núñez, "la de" Ríos',
        phone="+507 6000-0000",
    )
    make_beneficiary(
        personas.darien,
        personas.field_a,
        date_of_birth=None,
        estimated_age=34,
        family_names="-Díaz",
    )
    make_reach(personas.darien, personas.field_a, campaign="@Campaña\tdel río")
    make_reach(personas.chiriqui, personas.field_b, date=datetime.date(2024, 2, 29))


class FastExportTest(PersonasTestCase):
    """Big exports read values with values_list instead of building each record: the file must
    be the one that each cell written by the resource gives."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_rows(cls)

    def both_paths(self, write, resource, records) -> tuple:
        self.assertIsNotNone(exports.fast_rows(resource, records))
        fast = write(exports.rows_of(resource, records))
        with mock.patch("iompanama.files.exports.fast_rows", return_value=None):
            model = write(exports.rows_of(resource, records))
        return fast, model

    def cases(self) -> list:
        return [
            (BeneficiaryResource(self.admin), Beneficiary.objects.all()),
            (ReachResource(self.admin), CommunicationReach.objects.all()),
        ]

    def test_the_fast_csv_is_the_csv_of_the_model_path(self) -> None:
        with translation.override("es"):
            for resource, records in self.cases():
                with self.subTest(type(resource).__name__):
                    fast, model = self.both_paths(
                        lambda rows: "".join(exports.csv_lines(rows)), resource, records
                    )
                    self.assertEqual(fast, model)
                    self.assertTrue(fast.startswith("\ufeff"))
        self.assertIn("Núñez", self.csv(BeneficiaryResource, Beneficiary))
        self.assertIn(",sí,", self.csv(BeneficiaryResource, Beneficiary, "es"))

    def csv(self, resource_class, model, language: str = "en") -> str:
        with translation.override(language):
            rows = exports.rows_of(resource_class(self.admin), model.objects.all())
            return "".join(exports.csv_lines(rows))

    def test_the_fast_xlsx_is_the_xlsx_of_the_model_path(self) -> None:
        def cells(rows) -> list:
            out = io.BytesIO()
            exports.write_xlsx(rows, out)
            sheet = openpyxl.load_workbook(out).worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]

        for resource, records in self.cases():
            with self.subTest(type(resource).__name__):
                fast, model = self.both_paths(cells, resource, records)
                self.assertEqual(fast, model)

    def test_a_formula_like_cell_is_neutralised_once(self) -> None:
        text = self.csv(BeneficiaryResource, Beneficiary)
        self.assertIn("'=HYPERLINK(1)", text)
        self.assertIn("'+507 6000-0000", text)
        self.assertIn("'-Díaz", text)
        self.assertNotIn("''", text)

    def test_the_csv_is_written_a_chunk_of_rows_at_a_time(self) -> None:
        rows = [["header"], *([f"row {n}"] for n in range(5))]
        with mock.patch("iompanama.files.exports.CHUNK", 2):
            lines = list(exports.csv_lines(rows))
        self.assertEqual(lines[0], "\ufeff")
        self.assertEqual(len(lines), 4)  # the BOM, then 6 rows by 2
        self.assertEqual(lines[1], "header\r\nrow 0\r\n")


class CopyExportTest(PersonasTestCase):
    """On PostgreSQL, CSV exports are written by COPY, elsewhere by Python: the same file, byte
    for byte but for COPY's line ends (LF, which spreadsheets read as CSV's CRLF)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_rows(cls)

    def test_copy_writes_the_csv_that_python_writes(self) -> None:
        kinds = ((BeneficiaryResource, Beneficiary), (ReachResource, CommunicationReach))
        for language, machine in (("es", False), ("en", False), ("es", True)):
            for resource_class, model in kinds:
                name = resource_class.__name__
                with self.subTest(language, machine=machine, resource=name):
                    translation.activate(language)
                    resource = resource_class(self.admin)
                    if machine:
                        resource.for_machines()
                    records = model.objects.all()
                    copying = exports.copied_rows(resource, records) is not None
                    self.assertEqual(copying, connection.vendor == "postgresql")
                    copied = b"".join(
                        c if isinstance(c, bytes) else c.encode()
                        for c in exports.csv_chunks(resource, records)
                    )
                    python = "".join(exports.csv_lines(exports.rows_of(resource, records)))
                    self.assertEqual(
                        copied.decode().replace("\r\n", "\n"), python.replace("\r\n", "\n")
                    )
        translation.deactivate()

    def test_records_with_lines_are_not_copied(self) -> None:
        resource = FlowResource(self.admin)
        self.assertIsNone(exports.copied_rows(resource, resource._meta.model.objects.all()))
