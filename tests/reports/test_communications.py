"""Communications count people reached through digital media only, as the reference does."""

from django.urls import reverse

from reports import figures
from tests.factories import make_reach
from tests.reports.dataset import LAST, Q3, DatasetTestCase


class DigitalMediaTest(DatasetTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Radio and other channels in the quarter: not digital media.
        for channel in ("radio", "other"):
            cls.approved(
                make_reach(cls.darien, cls.field_a, date=LAST, channel=channel, people_reached=500)
            )

    def test_radio_and_other_channels_are_not_counted_as_digital_media(self) -> None:
        reach = figures.communications(Q3)
        self.assertEqual(reach["reached"], 150)  # 100 on Facebook, 50 on Instagram
        self.assertEqual({row["code"] for row in reach["by_channel"]}, {"facebook", "instagram"})

    def test_the_figures_page_lists_the_digital_records_it_counts(self) -> None:
        self.login(self.admin)
        response = self.client.get(
            reverse("reports:figures"), {"start": "2023-07-01", "end": "2023-09-30"}
        )
        url = response.context["sections"]["communications"]["approved_url"]
        self.assertIn("media=digital", url)
        listed = self.client.get(url).context["page"].object_list
        self.assertEqual(sum(record.people_reached for record in listed), 150)
