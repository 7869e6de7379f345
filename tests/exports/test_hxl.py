"""The exports for machines carry core HXL only, valid for libhxl's core schema."""

import hxl
from django.urls import reverse

from tests.exports.helpers import csv_rows
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

# The HXL 1.1 core schema's hashtags and attributes (hxlstandard.org/standard/dictionary):
# what a validator and HDX understand without a custom schema.
CORE_HASHTAGS = {
    "#access", "#activity", "#adm1", "#adm2", "#adm3", "#adm4", "#adm5", "#affected",
    "#beneficiary", "#capacity", "#cause", "#channel", "#contact", "#country", "#crisis",
    "#currency", "#date", "#description", "#event", "#frequency", "#geo", "#group", "#impact",
    "#indicator", "#inneed", "#item", "#loc", "#meta", "#modality", "#need", "#operations",
    "#org", "#output", "#population", "#reached", "#region", "#respondee", "#sector",
    "#service", "#severity", "#status", "#subsector", "#targeted", "#value",
}  # fmt: skip
CORE_ATTRIBUTES = {
    "abducted", "activity", "adolescents", "adults", "approved", "bounds", "budget", "canceled",
    "children", "cluster", "code", "converted", "coord", "dest", "displaced", "elderly",
    "elevation", "email", "end", "f", "funder", "hh", "i", "id", "idps", "impl", "incamp", "ind",
    "infants", "infected", "injured", "killed", "lat", "lon", "m", "name", "noncamp", "num",
    "occurred", "origin", "pct", "phone", "prog", "programme", "project", "provided",
    "refugees", "reported", "return", "source", "spend", "start", "text", "transfer", "type",
    "url", "used",
}  # fmt: skip


def hxl_problems(rows: list[list[str]]) -> list[str]:
    """What libhxl's core schema says of the file (errors and warnings), and any hashtag or
    attribute outside the core schema (vocabulary attributes, +v_..., are core)."""
    problems = []
    for tag in rows[1]:
        hashtag, *attributes = tag.replace(" ", "").split("+")
        if hashtag not in CORE_HASHTAGS:
            problems.append(f"not a core hashtag: {tag}")
        for attribute in attributes:
            if attribute not in CORE_ATTRIBUTES and not attribute.startswith("v_"):
                problems.append(f"not a core attribute: {tag}")

    def report(issue) -> None:
        if issue.rule.severity in ("error", "warning"):
            problems.append(f"{issue.rule.severity}: {issue.message} ({issue.value})")

    hxl.schema(None, callback=report).validate(hxl.data(rows))
    return problems


class RecordListHxlTest(PersonasTestCase):
    def test_every_export_for_machines_is_core_hxl(self) -> None:
        person = make_beneficiary(self.darien, self.field_a)
        make_legal_case(person, self.field_a)
        make_avr_case(person, self.field_a)
        make_reach(self.darien, self.field_a)
        make_tally(self.darien_etrm, self.field_a)
        make_flow_statistic(self.darien, self.field_a).by_nationality.create(
            nationality="VE", crossed=10
        )
        make_donation(self.darien, self.field_a, items=2)
        make_training(self.darien, self.field_a)
        self.login(self.admin)
        for name in [
            "activities:reach",
            "activities:medical",
            "activities:flow",
            "activities:donation",
            "activities:training",
            "activities:survey",
            "cases:beneficiary",
            "cases:legal",
            "cases:avr",
        ]:
            with self.subTest(name):
                url = reverse(f"{name}_export", args=["csv"]) + "?codes=1"
                rows = csv_rows(self.client.get(url))
                self.assertEqual(hxl_problems(rows), [])
