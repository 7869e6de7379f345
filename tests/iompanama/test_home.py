import datetime
from unittest.mock import patch

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iompanama import prepared, review
from iompanama.models import Reviewable, ReviewableQuerySet
from iompanama.roles import Role
from tests.factories import make_reach, make_tally, make_user
from tests.personas import PersonasTestCase

# The home page chooses the person's open entries it shows by their keys in one query, reads
# them whole in one query per kind among them (one kind in these tests, none for a supervisor
# with no entry of their own), and counts them all in one query; a reviewer's queue is chosen
# and read the same way, and counted in one more: a fixed number of queries whatever the rows.
ENTRIES = 1 + 1 + 1  # chosen, read whole, counted
QUEUE = 1 + 1 + 1  # the same
FIELD_STAFF_QUERIES = 6 + ENTRIES
SUPERVISOR_QUERIES = 7 + ENTRIES - 1 + QUEUE  # (their own entries: none to read)


def _submitted_at(record: Reviewable, days_ago: int) -> None:
    type(record).objects.filter(pk=record.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


class FieldStaffHomeTest(PersonasTestCase):
    def test_returned_entries_come_first_with_their_reasons(self) -> None:
        make_reach(self.darien, self.field_a, campaign="Borrador pendiente")
        returned = make_reach(self.darien, self.field_a, campaign="Campaña devuelta")
        returned.submit(by=self.field_a)
        returned.return_to_author(by=self.supervisor_a, reason="Falta el enlace")
        self.login(self.field_a)
        response = self.client.get(reverse("home"))
        page = response.content.decode()
        self.assertContains(response, "Falta el enlace")
        self.assertLess(page.index("Campaña devuelta"), page.index("Borrador pendiente"))

    def test_approved_entries_are_counted_not_listed(self) -> None:
        record = make_reach(self.darien, self.field_a, campaign="Ya aprobada")
        record.submit(by=self.field_a)
        record.approve(by=self.supervisor_a)
        self.login(self.field_a)
        response = self.client.get(reverse("home"))
        self.assertNotContains(response, "Ya aprobada")
        self.assertContains(response, "1 aprobados")

    def test_field_staff_have_no_review_queue(self) -> None:
        self.login(self.field_a)
        self.assertNotContains(self.client.get(reverse("home")), 'id="review-queue"')

    def test_the_page_makes_the_same_queries_for_1_and_30_entries(self) -> None:
        self.login(self.field_a)
        make_reach(self.darien, self.field_a)
        with self.assertNumQueries(FIELD_STAFF_QUERIES):
            self.client.get(reverse("home"))
        for _ in range(29):
            make_reach(self.darien, self.field_a).submit(by=self.field_a)
        with self.assertNumQueries(FIELD_STAFF_QUERIES):
            response = self.client.get(reverse("home"))
        submitted = response.context["open_entries"][2]
        self.assertEqual((submitted.total, len(submitted.entries)), (29, 5))
        self.assertContains(response, "?all=1")

    def test_the_page_reads_whole_only_the_entries_it_shows(self) -> None:
        older = make_tally(self.darien, self.field_a)
        for _ in range(5):
            make_reach(self.darien, self.field_a)
        self.login(self.field_a)
        built = patch.object(
            ReviewableQuerySet,
            "with_last_return_reason",
            autospec=True,
            side_effect=ReviewableQuerySet.with_last_return_reason,
        )
        with CaptureQueriesContext(connection) as queries, built as with_reasons:
            response = self.client.get(reverse("home"))
        drafts = response.context["open_entries"][1]
        self.assertEqual((drafts.total, len(drafts.entries)), (6, 5))
        self.assertNotIn(older, drafts.entries)
        read_whole = [query["sql"] for query in queries if '"total_attended"' in query["sql"]]
        self.assertEqual(read_whole, [])
        # Nor is the query that would read them built: only the kind among those shown.
        self.assertEqual(with_reasons.call_count, 1)

    def test_two_people_of_one_site_each_see_their_own_entries_whoever_came_first(self):
        # The home's queries are compiled once and kept (iompanama.prepared): per person.
        colleague = make_user("field_a2", Role.FIELD_STAFF, list(self.field_a.sites.all()))
        mine = [make_reach(self.darien, self.field_a) for _ in range(2)]
        theirs = make_reach(self.darien, colleague)
        for user, entries in ((self.field_a, mine), (colleague, [theirs]), (self.field_a, mine)):
            self.login(user)
            drafts = self.client.get(reverse("home")).context["open_entries"][1]
            self.assertEqual((drafts.total, set(drafts.entries)), (len(entries), set(entries)))

    def test_the_home_queries_are_compiled_at_the_first_visit_only(self) -> None:
        make_reach(self.darien, self.field_a)
        self.login(self.field_a)
        self.client.get(reverse("home"))
        with (
            patch.object(prepared, "Compiled", wraps=prepared.Compiled) as compiling,
            patch.object(review, "CappedCounts", wraps=review.CappedCounts) as counting,
        ):
            make_reach(self.darien, self.field_a)
            drafts = self.client.get(reverse("home")).context["open_entries"][1]
        self.assertEqual(drafts.total, 2)  # counted anew
        compiling.assert_not_called()
        counting.assert_not_called()

    def test_counts_stop_past_a_thousand_and_say_so(self) -> None:
        # Counting every open entry would read them all: the count stops one past the cap.
        for _ in range(5):
            make_reach(self.darien, self.field_a).submit(by=self.field_a)
        self.login(self.field_a)
        with patch("iompanama.db.COUNTED_UP_TO", 3):
            response = self.client.get(reverse("home"))
        submitted = response.context["open_entries"][2]
        self.assertEqual(submitted.total, 4)
        self.assertContains(response, '<span class="badge bg-secondary">más de 3</span>', html=True)


class SupervisorHomeTest(PersonasTestCase):
    def test_the_queue_lists_submissions_of_their_sites_oldest_first(self) -> None:
        newer = make_reach(self.darien, self.field_a, campaign="Más reciente")
        older = make_reach(self.darien, self.field_a, campaign="Más antigua")
        elsewhere = make_reach(self.chiriqui, self.field_b, campaign="De Chiriquí")
        for record in (newer, older, elsewhere):
            record.submit(by=record.created_by)
        _submitted_at(newer, 1)
        _submitted_at(older, 5)
        self.login(self.supervisor_a)
        response = self.client.get(reverse("home"))
        self.assertEqual([r.pk for r in response.context["review_queue"]], [older.pk, newer.pk])
        self.assertNotContains(response, "De Chiriquí")

    def test_their_own_submissions_are_not_in_their_queue(self) -> None:
        own = make_reach(self.darien, self.supervisor_a)
        own.submit(by=self.supervisor_a)
        self.login(self.supervisor_a)
        self.assertEqual(self.client.get(reverse("home")).context["review_queue"], [])

    def test_the_queue_makes_the_same_queries_for_1_and_30_records(self) -> None:
        self.login(self.supervisor_a)
        make_reach(self.darien, self.field_a).submit(by=self.field_a)
        with self.assertNumQueries(SUPERVISOR_QUERIES):
            self.client.get(reverse("home"))
        for _ in range(29):
            make_reach(self.darien, self.field_a).submit(by=self.field_a)
        with self.assertNumQueries(SUPERVISOR_QUERIES):
            response = self.client.get(reverse("home"))
        # The home page shows the oldest few; the queue's page has them all.
        self.assertEqual(
            (len(response.context["review_queue"]), response.context["waiting"]), (5, 30)
        )

    def test_the_queue_keeps_those_waiting_longer_than_asked_at_each_visit(self) -> None:
        # The queue's queries are compiled once; how long is "waited" is given at each run.
        recent, old = (make_reach(self.darien, self.field_a) for _ in range(2))
        for record in (recent, old):
            record.submit(by=self.field_a)
        _submitted_at(recent, 2)
        _submitted_at(old, 10)
        self.login(self.supervisor_a)
        for days, listed in ((7, [old]), (3, [old]), (7, [old]), (14, []), (0, [old, recent])):
            page = self.client.get(reverse("review_queue"), {"waiting": days or ""})
            self.assertEqual(page.context["review_queue"], listed, days)
            self.assertEqual(page.context["waiting"], len(listed), days)
        _submitted_at(recent, 8)  # later, it has waited long enough too
        page = self.client.get(reverse("review_queue"), {"waiting": 7})
        self.assertEqual(page.context["review_queue"], [old, recent])

    def test_the_queue_reads_whole_only_the_records_it_shows(self) -> None:
        # Each kind's first five read whole, and all but five of them dropped, built six
        # records in seven for nothing.
        for _ in range(5):
            make_reach(self.darien, self.field_a).submit(by=self.field_a)
        later = make_tally(self.darien, self.field_a)
        later.submit(by=self.field_a)
        self.login(self.supervisor_a)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("home"))
        self.assertNotIn(later, response.context["review_queue"])
        # A queue's line names its author: the queue's records are read with theirs.
        queued_tallies = [
            sql
            for sql in (query["sql"] for query in queries)
            if '"total_attended"' in sql and 'JOIN "iompanama_user"' in sql
        ]
        self.assertEqual(queued_tallies, [])

    def test_the_queue_counts_past_a_thousand_as_more_than_a_thousand(self) -> None:
        for _ in range(5):
            make_reach(self.darien, self.field_a).submit(by=self.field_a)
        self.login(self.supervisor_a)
        with patch("iompanama.db.COUNTED_UP_TO", 3):
            home = self.client.get(reverse("home"))
            queue = self.client.get(reverse("review_queue"))
        self.assertEqual(home.context["waiting"], 4)
        self.assertContains(home, "Revisar los más de 3")
        self.assertContains(queue, "5 de más de 3 registros")


class OtherHomesTest(PersonasTestCase):
    def test_administrators_see_links_to_reference_data_and_users(self) -> None:
        self.login(self.admin)
        response = self.client.get(reverse("home"))
        self.assertContains(response, reverse("admin:iompanama_user_changelist"))
        self.assertContains(response, reverse("admin:iompanama_site_changelist"))

    def test_viewers_see_neither_records_nor_the_queue(self) -> None:
        make_reach(self.darien, self.field_a, campaign="Privada").submit(by=self.field_a)
        self.login(self.viewer)
        response = self.client.get(reverse("home"))
        self.assertNotContains(response, "Privada")
        self.assertContains(response, 'id="viewer"')
        self.assertNotContains(response, reverse("activities:reach_list"))
