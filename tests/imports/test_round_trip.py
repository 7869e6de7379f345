"""Exported, then imported into an empty table: the same records, lines and topics."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse

from cases.models import AVRFamilyMember
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
