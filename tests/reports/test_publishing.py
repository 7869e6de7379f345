"""Administrators publish a period's factsheet as a frozen version; publishing again corrects it."""

from django.conf import settings
from django.urls import reverse

from iompanama.models import PeriodLock
from reports.disclosure import SMALL
from reports.models import PublishedFactsheet
from tests.factories import make_reach
from tests.reports.dataset import FIRST, LAST, DatasetTestCase

PERIOD = {"start": "2023-07-01", "end": "2023-09-30"}


class PublishingTest(DatasetTestCase):
    def test_an_administrator_publishes_the_public_figures_of_the_period(self) -> None:
        self.login(self.admin)
        response = self.client.post(reverse("reports:publish"), PERIOD)
        version = PublishedFactsheet.objects.get()
        self.assertRedirects(response, reverse("reports:factsheet", args=[version.pk]))
        self.assertEqual((version.start, version.end, version.version), (FIRST, LAST, 1))
        self.assertEqual(version.published_by, self.admin)
        self.assertEqual(version.figures["communications"]["reached"], 150)
        self.assertEqual(version.figures["avr"]["returned"], SMALL)

    def test_a_supervisor_may_not_publish(self) -> None:
        self.login(self.supervisor_a)
        response = self.client.post(reverse("reports:publish"), PERIOD)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(PublishedFactsheet.objects.exists())

    def test_a_published_version_does_not_change_when_records_do(self) -> None:
        version = PublishedFactsheet.publish(FIRST, LAST, by=self.admin)
        PeriodLock.objects.get().unlock(by=self.admin, reason="A late record")
        self.approved(make_reach(self.darien, self.field_a, date=LAST, people_reached=7))
        version.refresh_from_db()
        self.assertEqual(version.figures["communications"]["reached"], 150)

    def test_publishing_again_makes_a_new_version_showing_what_changed(self) -> None:
        first = PublishedFactsheet.publish(FIRST, LAST, by=self.admin)
        PeriodLock.objects.get().unlock(by=self.admin, reason="A late record")
        self.approved(make_reach(self.darien, self.field_a, date=LAST, people_reached=7))
        second = PublishedFactsheet.publish(FIRST, LAST, by=self.admin)
        self.assertEqual(second.version, 2)
        self.assertEqual(second.previous(), first)
        self.assertIn(
            {"indicator": "communications.reached", "group": "", "before": 150, "after": 157},
            second.changes(),
        )
        self.assertEqual(first.changes(), [])
        response = self.client.get(reverse("reports:factsheet", args=[second.pk]), {"lang": "en"})
        self.assertContains(response, "communications.reached")
        self.assertContains(response, "157")
        latest = PublishedFactsheet.objects.latest_versions()
        self.assertEqual(list(latest), [second])

    def test_earlier_versions_stay_listed_as_corrected(self) -> None:
        first = PublishedFactsheet.publish(FIRST, LAST, by=self.admin)
        second = PublishedFactsheet.publish(FIRST, LAST, by=self.admin)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(reverse("reports:factsheet_list"))
        self.assertContains(response, reverse("reports:factsheet", args=[first.pk]))
        self.assertContains(response, reverse("reports:factsheet", args=[second.pk]))
        self.assertContains(response, "corrected by a later version", count=1)
