"""No count of people can be worked out as 1-4 by adding and subtracting published versions of
nested or overlapping periods (DISCLOSURE.md: linked tables)."""

import datetime
import itertools
import random

from django.urls import reverse

from iompanama.models import PeriodLock
from reports.disclosure import WITHHELD
from reports.exports import rows
from reports.figures import Period
from reports.models import PublishedFactsheet
from reports.sections import SECTIONS
from tests.factories import make_beneficiary, make_legal_case, make_reach, make_tally
from tests.personas import PersonasTestCase

# People reached and attended each month of 2024: large months and small ones, so that many
# sums and differences of periods fall between 1 and 4.
REACHED = [20, 2, 30, 1, 3, 40, 4, 25, 2, 2, 50, 3]
ATTENDED = [9, 6, 12, 2, 0, 15, 3, 10, 1, 4, 20, 2]
NEW_PEOPLE = [6, 1, 0, 7, 2, 5, 1, 6, 0, 3, 8, 1]  # legal orientation, one session each


class Year2024(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for month in range(1, 13):
            day = datetime.date(2024, month, 10)
            cls.approve(
                make_reach(cls.darien, cls.field_a, date=day, people_reached=REACHED[month - 1])
            )
            if ATTENDED[month - 1]:
                n = ATTENDED[month - 1]
                cls.approve(
                    make_tally(
                        cls.darien_etrm,
                        cls.field_a,
                        date=day,
                        women_adults=n,
                        men_adults=0,
                        girls=0,
                        boys=0,
                        total_attended=n,
                    )
                )
            for i in range(NEW_PEOPLE[month - 1]):
                person = make_beneficiary(cls.darien, cls.field_a, given_names=f"P{month}-{i}")
                cls.approve(make_legal_case(person, cls.field_a, opened_on=day))

    @classmethod
    def approve(cls, record) -> None:
        record.submit(by=cls.field_a)
        record.approve(by=cls.supervisor_a)

    def publish(self, period: Period) -> PublishedFactsheet:
        return PublishedFactsheet.publish(period.start, period.end, by=self.admin)


class LinkedSuppressionTest(Year2024):
    def test_a_period_one_month_longer_than_a_published_one_withholds_the_difference(self):
        january = self.publish(Period.month(2024, 1))
        self.assertEqual(january.figures["communications"]["reached"], 20)
        # January and February: 22 people reached, 2 more than January alone.
        both = self.publish(Period(datetime.date(2024, 1, 1), datetime.date(2024, 2, 29)))
        self.assertEqual(both.figures["communications"]["reached"], WITHHELD)
        self.assertEqual(both.figures["communications"]["by_channel"][0]["value"], WITHHELD)
        self.assertIn(
            {"figure": "communications.reached", "group": "", "with": [january.pk]},
            both.linked_suppressions,
        )
        # 7 people of January and February had legal orientation, 6 of them in January.
        self.assertEqual(both.figures["legal_orientation"]["people"], WITHHELD)
        # The preview of a correction says what is withheld and why.
        self.client.force_login(self.admin)
        preview = self.client.get(
            reverse("reports:preview"), {"start": "2024-01-01", "end": "2024-02-29", "lang": "en"}
        )
        self.assertContains(preview, "Communications · people reached through digital media")
        # Not linked to anything small: shown.
        self.assertEqual(both.figures["medical_attention"]["attended"], 15)

    def test_a_month_published_after_its_quarter_and_other_months_is_checked_in_triples(self):
        self.publish(Period.quarter(2024, 1))  # reached 52
        self.publish(Period.month(2024, 1))  # 20
        march = self.publish(Period.month(2024, 3))  # 30: the quarter - January - March = 2
        self.assertEqual(march.figures["communications"]["reached"], WITHHELD)

    def test_a_correction_withholds_a_small_change(self) -> None:
        first = self.publish(Period.month(2024, 1))  # 20 people reached
        day = datetime.date(2024, 1, 20)
        PeriodLock.objects.get().unlock(by=self.admin, reason="Faltaba un registro")
        self.approve(make_reach(self.darien, self.field_a, date=day, people_reached=3))
        correction = PublishedFactsheet.publish(
            first.start, first.end, by=self.admin, reason="Faltaba un registro"
        )
        # 23 - 20 would say that 3 people were reached by what the correction added.
        self.assertEqual(correction.figures["communications"]["reached"], WITHHELD)

    def test_whole_months_only(self) -> None:
        from reports.models import PublishingRefused

        with self.assertRaises(PublishingRefused):
            PublishedFactsheet.publish(
                datetime.date(2024, 7, 1), datetime.date(2024, 8, 4), by=self.admin
            )


class DifferencingAttackTest(Year2024):
    def test_no_pair_or_triple_of_published_versions_gives_a_count_of_1_to_4(self) -> None:
        months = [Period.month(2024, m) for m in range(1, 13)]
        periods = [
            Period.year(2024),
            *(Period(months[m].start, months[m + 5].end) for m in (0, 6)),
            *(Period.quarter(2024, q) for q in range(1, 5)),
            *(Period(months[m].start, months[m + 1].end) for m in range(11)),
            *months,
        ]
        random.Random(11).shuffle(periods)
        for period in periods:
            self.publish(period)
        versions = list(PublishedFactsheet.objects.all())
        self.assertEqual(len(versions), 30)

        tables = [(_months(v), _people_counts(v.figures)) for v in versions]
        found = []
        for size in (2, 3):
            for group in itertools.combinations(tables, size):
                for signs in itertools.product((1, -1), repeat=size - 1):
                    signs = (1, *signs)
                    weights = _month_weights([g[0] for g in group], signs)
                    if not (weights <= {0, 1} or weights <= {0, -1}):
                        continue  # not the count of a set of months
                    for cell in set.intersection(*(set(g[1]) for g in group)):
                        derived = abs(
                            sum(s * g[1][cell] for s, g in zip(signs, group, strict=True))
                        )
                        if 0 < derived < 5:
                            found.append((cell, derived))
        self.assertEqual(found, [])


def _months(version: PublishedFactsheet) -> frozenset[tuple[int, int]]:
    return frozenset((day.year, day.month) for day in Period(version.start, version.end).months())


def _month_weights(month_sets: list[frozenset], signs: tuple[int, ...]) -> set[int]:
    every = frozenset.union(*month_sets)
    return {
        sum(s for months, s in zip(month_sets, signs, strict=True) if m in months) for m in every
    }


def _people_counts(figures: dict) -> dict[tuple, int]:
    """What an attacker reads in the CSV: every shown number of a figure that counts people."""
    counts = {}
    for row in rows(figures):
        section, _dot, name = row["indicator"].partition(".")
        counts_people = section in SECTIONS and name in SECTIONS[section].people_cells
        if counts_people and isinstance(row["value"], int):
            counts[(row["indicator"], row["group"], row["country"])] = row["value"]
    return counts
