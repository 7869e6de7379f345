"""Exported, then imported into an empty table: the same records, lines and topics."""

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse

from cases.models import AVRFamilyMember, Beneficiary
from iompanama.models import ReviewStatus
from reports.models import PublishedFactsheet
from tests.factories import (
    make_avr_case,
    make_beneficiary,
    make_donation,
    make_flow_statistic,
    make_legal_case,
    make_reach,
    make_tally,
    make_training,
)
from tests.personas import PersonasTestCase

# Set by the workflow or the system, not carried by files.
NOT_IN_FILES = {
    "id",
    "status",
    "version",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "receipt",
    "attendance_sheet",
}


def snapshot(record, lines: str = "") -> tuple:
    fields = model_to_dict(record, exclude=NOT_IN_FILES)
    fields = {
        name: set(value) if isinstance(value, list) else value for name, value in fields.items()
    }
    rows = [
        model_to_dict(line, exclude={"id", "case", "donation", "statistic"})
        for line in (getattr(record, lines).order_by("pk") if lines else [])
    ]
    return fields, rows


class RoundTripTest(PersonasTestCase):
    def setUp(self) -> None:
        self.login(self.admin)

    def round_trip(self, url_name: str, records: list, lines: str = "") -> None:
        model = type(records[0])
        before = sorted(map(repr, (snapshot(record, lines) for record in model.objects.all())))
        export = self.client.get(reverse(f"{url_name}_export", args=["csv"]))
        content = b"".join(export.streaming_content)
        model.objects.all().delete()
        url = reverse(f"{url_name}_import")
        preview = self.client.post(url, {"file": SimpleUploadedFile("f.csv", content)})
        self.assertEqual(preview.context["report"].errors, [])
        self.client.post(url, {"token": preview.context["token"]})
        after = sorted(map(repr, (snapshot(record, lines) for record in model.objects.all())))
        self.assertEqual(after, before)

    def test_activities(self) -> None:
        flow = make_flow_statistic(self.darien, self.field_a, external_id="F-1")
        flow.by_nationality.create(nationality="VE", crossed=40000)
        flow.by_nationality.create(nationality="HT", crossed=9000)
        kinds = [
            ("activities:reach", [make_reach(self.darien, self.field_a, campaign="=1+1")], ""),
            ("activities:medical", [make_tally(self.darien_etrm, self.field_a)], ""),
            ("activities:flow", [flow], "by_nationality"),
            ("activities:training", [make_training(self.darien, self.field_a)], ""),
            (
                "activities:donation",
                [
                    make_donation(self.darien, self.field_a, items=2, external_id="D-1"),
                    make_donation(self.chiriqui, self.field_b, external_id="D-2"),
                ],
                "items",
            ),
        ]
        for url_name, records, lines in kinds:
            with self.subTest(url_name):
                self.round_trip(url_name, records, lines)

    def test_cases(self) -> None:
        maria = make_beneficiary(self.darien, self.field_a, external_id="B-1")
        luis = make_beneficiary(self.darien, self.field_a, given_names="Luis")
        legal = make_legal_case(maria, self.field_a, external_id="C-1", outcome="+ asesorada")
        legal.sessions.create(date=datetime.date(2023, 9, 20), topic_work=True, counsellor="Ana")
        avr = [
            make_avr_case(maria, self.field_a, family=[luis], external_id="A-1"),
            make_avr_case(luis, self.field_a, external_id="A-2"),
        ]
        self.assertEqual(AVRFamilyMember.objects.count(), 1)
        with self.subTest("legal"):
            self.round_trip("cases:legal", [legal], "sessions")
        with self.subTest("avr"):
            self.round_trip("cases:avr", avr, "family")


def approved(record, author, reviewer):
    """The record submitted by its author and approved by a reviewer of its site."""
    record.submit(by=author)
    record.approve(by=reviewer)
    return record


class ReimportTest(PersonasTestCase):
    """An export imported back into the same tables: nothing new, nothing changed, until a
    cell is changed, which is a change through review."""

    def setUp(self) -> None:
        self.login(self.admin)

    def export(self, url_name: str, query: str = "") -> list[list[str]]:
        response = self.client.get(reverse(f"{url_name}_export", args=["csv"]) + query)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    def reimport(self, url_name: str, rows: list[list[str]]):
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        url = reverse(f"{url_name}_import")
        preview = self.client.post(
            url, {"file": SimpleUploadedFile("f.csv", out.getvalue().encode())}
        )
        report = preview.context["report"]
        self.assertEqual(report.errors, [])
        self.client.post(url, {"token": preview.context["token"]})
        return report

    def kinds(self) -> list[tuple[str, list, str, str]]:
        """Each kind of record, approved: its pages, its records, a column and a new value."""
        a = self.field_a
        maria = make_beneficiary(self.darien, a)
        luis = make_beneficiary(self.darien, a, given_names="Luis")
        flow = make_flow_statistic(self.darien, a)
        flow.by_nationality.create(nationality="VE", crossed=40000)
        legal = make_legal_case(maria, a)
        legal.sessions.create(date=datetime.date(2023, 9, 20), topic_work=True, counsellor="Ana")
        return [
            (
                "activities:reach",
                [make_reach(self.darien, a), make_reach(self.darien, a)],
                "campaign",
                "Otra",
            ),
            ("activities:medical", [make_tally(self.darien_etrm, a)], "date", "2023-09-16"),
            ("activities:flow", [flow], "publication_date", "2023-10-11"),
            ("activities:training", [make_training(self.darien, a)], "facilitators", "Otra"),
            ("activities:donation", [make_donation(self.darien, a, items=2)], "recipient", "Otro"),
            ("cases:legal", [legal], "outcome", "Asesorada"),
            (
                "cases:avr",
                [make_avr_case(maria, a, family=[luis])],
                "application_date",
                "2023-08-11",
            ),
        ]

    def test_an_unchanged_export_imports_back_as_no_change(self) -> None:
        for url_name, records, _column, _value in self.kinds():
            with self.subTest(url_name):
                model = type(records[0])
                for record in records:
                    approved(record, self.field_a, self.supervisor_a)
                before = list(model.objects.order_by("pk").values_list("pk", "version", "status"))
                # For people (headers and values in words), and for machines (codes, HXL).
                for query in ("", "?codes=1"):
                    report = self.reimport(url_name, self.export(url_name, query))
                    self.assertEqual((report.created, report.updated), (0, 0))
                    self.assertEqual(report.unchanged, len(records))
                after = list(model.objects.order_by("pk").values_list("pk", "version", "status"))
                self.assertEqual(after, before)

    def test_a_changed_cell_is_one_change_through_review(self) -> None:
        for url_name, records, column, value in self.kinds():
            with self.subTest(url_name):
                model = type(records[0])
                for record in records:
                    approved(record, self.field_a, self.supervisor_a)
                rows = self.export(url_name, "?codes=1")  # the header, the HXL row, the rows
                index = rows[0].index(column)
                for row in rows[2:]:
                    if row[0] == rows[2][0]:  # every line of the first record
                        row[index] = value
                report = self.reimport(url_name, rows)
                self.assertEqual((report.created, report.updated), (0, 1))
                self.assertEqual(report.unchanged, len(records) - 1)
                changed = model.objects.get(external_id=rows[2][0])
                self.assertEqual(changed.status, ReviewStatus.SUBMITTED)
                self.assertEqual(
                    model.objects.filter(status=ReviewStatus.APPROVED).count(), len(records) - 1
                )

    def test_people_of_an_unchanged_export_stay_as_they_are(self) -> None:
        make_beneficiary(self.darien, self.field_a)
        make_beneficiary(self.darien, self.field_a, given_names="Luis")
        before = list(Beneficiary.objects.order_by("pk").values_list("pk", "version"))
        report = self.reimport("cases:beneficiary", self.export("cases:beneficiary"))
        self.assertEqual((report.created, report.updated, report.unchanged), (0, 0, 2))
        self.assertEqual(
            list(Beneficiary.objects.order_by("pk").values_list("pk", "version")), before
        )

    def test_a_record_entered_by_form_is_exported_with_an_id_of_its_own(self) -> None:
        first, second = make_reach(self.darien, self.field_a), make_reach(self.darien, self.field_a)
        self.assertTrue(first.external_id)
        self.assertNotEqual(first.external_id, second.external_id)
        rows = self.export("activities:reach")
        self.assertEqual({row[0] for row in rows[1:]}, {first.external_id, second.external_id})


class ReimportByOthersTest(PersonasTestCase):
    """Who may not change a record (not its author, a locked period, a record waiting for
    review) may still import back the export that holds it unchanged: nothing is written. A
    changed cell there is refused on its line."""

    def setUp(self) -> None:
        self.login(self.supervisor_a)
        self.records = [make_reach(self.darien, self.field_a) for _n in range(3)]
        self.url = reverse("activities:reach_import")

    def export(self) -> list[list[str]]:
        response = self.client.get(reverse("activities:reach_export", args=["csv"]) + "?codes=1")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    def preview(self, rows: list[list[str]]):
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        upload = SimpleUploadedFile("f.csv", out.getvalue().encode())
        return self.client.post(self.url, {"file": upload}).context["report"]

    def test_records_waiting_for_review_import_back_unchanged(self) -> None:
        for record in self.records:
            record.submit(by=self.field_a)
        report = self.preview(self.export())
        self.assertEqual((report.errors, report.unchanged), ([], 3))

    def test_another_persons_approved_records_import_back_unchanged_but_not_changed(self) -> None:
        for record in self.records:
            approved(record, self.field_a, self.admin)
        rows = self.export()
        self.assertEqual(self.preview(rows).unchanged, 3)
        rows[3][rows[0].index("campaign")] = "Otra"
        report = self.preview(rows)
        self.assertEqual([(e.number, e.column) for e in report.errors], [(4, "external_id")])

    def test_records_of_a_locked_period_import_back_unchanged_but_not_changed(self) -> None:
        self.login(self.admin)
        for record in self.records:
            approved(record, self.field_a, self.supervisor_a)
        PublishedFactsheet.publish(
            datetime.date(2023, 9, 1), datetime.date(2023, 9, 30), by=self.admin
        )
        rows = self.export()
        self.assertEqual(self.preview(rows).unchanged, 3)
        rows[2][rows[0].index("people_reached")] = "999999"
        report = self.preview(rows)
        self.assertEqual([(e.number, e.column) for e in report.errors], [(3, "date")])
