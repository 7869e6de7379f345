"""Every page makes the same number of queries with 2, 50 and 500 records of each kind: home
pages for each role, the review queue, the case forms with a person field, the person search,
every record list, every kind of record's page, the figures page and a drill-down. The records
are bulk-inserted at one site by its field staff over the last two years (one in ten waiting
for review, see `generate_records`), so that each size has every kind in every page.

The home pages and the queue show a few records of many kinds, chosen by their keys, and read
whole only the kinds among them (`review.read_whole`): one query per kind present, which
depends on which records are newest or oldest, not on how many there are. Their count may
vary by up to the number of kinds, never more."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Beneficiary
from iompanama.access import reviewable_models
from iompanama.management.commands.generate_records import generate
from iompanama.models import User
from iompanama.roles import Role
from tests.factories import make_authenticator, make_site, make_user
from tests.personas import PersonasTestCase

# Records of each kind; two is the fewest that fill every page: one approved, one waiting.
SIZES = [2, 50, 500]
CHOSEN_BY_KEYS = {"field staff home", "supervisor home", "administrator home", "review queue"}


class FlatPagesTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.office = make_site("bench-office")
        cls.administrator = make_user("bench.admin", Role.ADMINISTRATOR)

    def pages(self) -> list[tuple[str, User, str]]:
        field = User.objects.get(username="bench.field")
        supervisor = User.objects.get(username="bench.supervisor")
        for user in (supervisor, self.administrator):
            if not user.totpdevice_set.exists():
                make_authenticator(user)
        today = datetime.date.today()
        start = today - datetime.timedelta(days=730)  # every generated record
        drill_down = (
            f"{reverse('cases:legal_list')}?status=approved&dates_of=sessions__date"
            f"&date_from={start}&date_to={today}"
        )
        models = reviewable_models().values()
        kinds = [model for model in models if model.objects.for_user(field).exists()]
        person = Beneficiary.objects.for_user(field).order_by("pk").first()
        return [
            ("field staff home", field, reverse("home")),
            ("supervisor home", supervisor, reverse("home")),
            ("administrator home", self.administrator, reverse("home")),
            ("review queue", supervisor, reverse("review_queue")),
            ("new legal case", field, reverse("cases:legal_create")),
            ("new AVR case", field, reverse("cases:avr_create")),
            ("person search", field, f"{reverse('cases:people_search')}?q=perez"),
            ("beneficiaries", field, reverse("cases:beneficiary_list")),
            *((model._meta.label, field, model.list_url()) for model in models),
            ("a beneficiary", field, person.get_absolute_url()),
            *(
                (f"a {model._meta.label}", field, first(model, field).get_absolute_url())
                for model in kinds
            ),
            ("figures", supervisor, f"{reverse('reports:figures')}?start={start}&end={today}"),
            ("drill-down", supervisor, drill_down),
        ]

    def queries(self) -> dict[str, int]:
        counts = {}
        for label, user, url in self.pages():
            self.client.force_login(user)
            ContentType.objects.clear_cache()  # each page starts from the same cold cache
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            counts[label] = len(queries)
        return counts

    def test_no_page_makes_more_queries_with_more_records(self) -> None:
        made, counts = 0, []
        for size in SIZES:
            generate(size - made, seed=size, sites=[self.office], progress=lambda _line: None)
            made = size
            counts.append(self.queries())
        kinds = len(reviewable_models())
        for page in counts[0]:
            by_size = [size_counts[page] for size_counts in counts]
            spread = kinds if page in CHOSEN_BY_KEYS else 0
            self.assertLessEqual(max(by_size) - min(by_size), spread, (page, by_size))


def first(model, user: User):
    return model.objects.for_user(user).order_by("pk").first()
