"""A read-only database (failover, maintenance): reading goes on, writing says maintenance."""

import contextlib
import time

import psycopg
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import InternalError, connection
from django.test import TransactionTestCase
from django.urls import reverse

from iompanama.roles import Role
from tests.factories import make_reach, make_site, make_user
from tests.personas import PersonasTestCase

WRITES = ("INSERT", "UPDATE", "DELETE")


def _refuse_writes(execute, sql, params, many, context):
    """What PostgreSQL answers on a standby or with default_transaction_read_only on."""
    if sql.lstrip().upper().startswith(WRITES):
        message = "cannot execute a write in a read-only transaction"
        raise InternalError(message) from psycopg.errors.ReadOnlySqlTransaction(message)
    return execute(sql, params, many, context)


@contextlib.contextmanager
def read_only_database():
    with connection.execute_wrapper(_refuse_writes):
        yield


class ReadOnlyDatabaseTest(PersonasTestCase):
    def setUp(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.record = make_reach(self.darien, self.field_a)

    def test_signed_in_reading_pages_work(self) -> None:
        self.login(self.field_a)
        self.client.get(reverse("home"))  # the session's first renewal, before the failover
        with read_only_database():
            for url in [
                reverse("home"),
                reverse("activities:reach_list"),
                self.record.get_absolute_url(),
                reverse("reports:factsheet_list"),
            ]:
                with self.subTest(url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_session_due_for_renewal_is_still_read_when_it_cannot_be_renewed(self) -> None:
        self.login(self.field_a)
        with read_only_database():
            response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["user"], self.field_a)

    def test_public_pages_work(self) -> None:
        with read_only_database():
            self.assertEqual(self.client.get(reverse("login")).status_code, 200)
            self.assertEqual(self.client.get(reverse("reports:factsheet_list")).status_code, 200)

    def test_a_writing_page_says_the_system_is_in_maintenance(self) -> None:
        self.login(self.field_a)
        self.client.get(reverse("home"))
        data = {
            "site": self.darien.pk,
            "date": "2023-09-15",
            "channel": "facebook",
            "campaign": "Radio",
            "people_reached": "10",
        }
        with read_only_database():
            response = self.client.post(reverse("activities:reach_create"), data)
        self.assertContains(response, "The system is in maintenance", status_code=503)


class SessionRenewalTest(PersonasTestCase):
    def expiry(self):
        return Session.objects.get(session_key=self.client.session.session_key).expire_date

    def test_a_session_is_not_written_on_every_request(self) -> None:
        self.login(self.field_a)
        self.client.get(reverse("home"))
        first = self.expiry()
        self.client.get(reverse("home"))
        self.assertEqual(self.expiry(), first)

    def test_a_session_is_renewed_after_a_few_minutes(self) -> None:
        self.login(self.field_a)
        self.client.get(reverse("home"))
        first = self.expiry()
        session = self.client.session
        session["renewed_at"] = int(time.time()) - settings.SESSION_RENEW_SECONDS
        session.save()
        self.client.get(reverse("home"))
        self.assertGreater(self.expiry(), first)


# The database's own refusal: PostgreSQL's read-only session (a standby answers the same way),
# SQLite's query_only connection.
READ_ONLY = {
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    "sqlite": "PRAGMA query_only = ON",
}
READ_WRITE = {
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
    "sqlite": "PRAGMA query_only = OFF",
}


class RealReadOnlyDatabaseTest(TransactionTestCase):
    """The same, with the database's own refusal."""

    serialized_rollback = True

    def test_reading_works_and_writing_says_maintenance(self) -> None:
        site = make_site("darien-office")
        person = make_user("ana", Role.FIELD_STAFF, [site])
        record = make_reach(site, person)
        self.client.force_login(person)
        with connection.cursor() as cursor:
            cursor.execute(READ_ONLY[connection.vendor])
        self.addCleanup(_read_write)
        self.assertEqual(self.client.get(record.get_absolute_url()).status_code, 200)
        response = self.client.post(reverse("submit", args=[record._meta.label_lower, record.pk]))
        self.assertEqual(response.status_code, 503)


def _read_write() -> None:
    with connection.cursor() as cursor:
        cursor.execute(READ_WRITE[connection.vendor])
