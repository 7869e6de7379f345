"""Every page makes the same number of queries with 50 records of each kind as with 550: home
pages for each role, the review queue, a case form with a person field, the person search, every
record list, a record's page, the figures page and a drill-down."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import LegalOrientationCase
from iompanama.access import reviewable_models
from iompanama.management.commands.generate_records import generate
from iompanama.models import User
from iompanama.roles import Role
from tests.factories import make_authenticator, make_site, make_user
from tests.personas import PersonasTestCase


class FlatPagesTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_site("bench-office")
        cls.administrator = make_user("bench.admin", Role.ADMINISTRATOR)

    def pages(self) -> list[tuple[User, str]]:
        field = User.objects.get(username="bench.field")
        supervisor = User.objects.get(username="bench.supervisor")
        for user in (supervisor, self.administrator):
            if not user.totpdevice_set.exists():
                make_authenticator(user)
        case = LegalOrientationCase.objects.order_by("pk").first()
        today = datetime.date.today()
        year_ago = today - datetime.timedelta(days=365)
        drill_down = (
            f"{reverse('cases:legal_list')}?status=approved&dates_of=sessions__date"
            f"&date_from={year_ago}&date_to={today}"
        )
        return [
            (field, reverse("home")),
            (supervisor, reverse("home")),
            (self.administrator, reverse("home")),
            (supervisor, reverse("review_queue")),
            (field, reverse("cases:legal_create")),
            (field, f"{reverse('cases:people_search')}?q=perez"),
            (field, reverse("cases:beneficiary_list")),
            *((field, model.list_url()) for model in reviewable_models().values()),
            (field, case.get_absolute_url()),
            (supervisor, f"{reverse('reports:figures')}?start={year_ago}&end={today}"),
            (supervisor, drill_down),
        ]

    def queries(self) -> dict[str, int]:
        counts = {}
        for user, url in self.pages():
            self.client.force_login(user)
            ContentType.objects.clear_cache()  # each page starts from the same cold cache
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            counts[f"{user.username} {url}"] = len(queries)
        return counts

    def test_no_page_makes_more_queries_with_more_records(self) -> None:
        generate(50, seed=1)
        few = self.queries()
        generate(500, seed=2)
        many = self.queries()
        self.maxDiff = None
        self.assertEqual(many, few)
