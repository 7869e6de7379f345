"""Background jobs survive faults: a dead worker's job fails with a message and can be started
again; the worker outlives database restarts."""

import datetime
from contextlib import contextmanager
from unittest import mock

from django.core.files.storage import default_storage
from django.db import OperationalError, connection, connections
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from activities.models import CommunicationReach
from iompanama.files import jobs
from iompanama.management.commands.task_worker import ResilientWorker
from iompanama.models import Job, PendingUpload
from iompanama.roles import Role
from tests.factories import make_site, make_user
from tests.imports.helpers import csv_file
from tests.imports.test_background_import import ROWS, URL
from tests.personas import PersonasTestCase

LONG_AGO = timezone.now() - datetime.timedelta(hours=1)


@override_settings(IMPORT_BACKGROUND_ROWS=2, JOB_LEASE_SECONDS=600)
class DeadWorkerTest(PersonasTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.login(self.supervisor_a)

    def import_killed_mid_writing(self) -> Job:
        """Checked and confirmed; its worker started writing and was killed (kill -9, a
        restart): the job stays running, and its last sign of life grows old."""
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(URL, {"file": csv_file(ROWS)})
        job = Job.objects.get()
        with mock.patch("iompanama.files.jobs.write_import"):
            self.client.post(reverse("job_confirm", args=[job.pk]))
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.RUNNING, done=1, heartbeat_at=LONG_AGO
        )
        job.refresh_from_db()
        return job

    def test_its_page_says_it_failed_and_stops_refreshing(self) -> None:
        job = self.import_killed_mid_writing()
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "The worker running this job stopped")
        self.assertNotContains(page, 'http-equiv="refresh"')
        job.refresh_from_db()
        self.assertEqual(job.status, Job.Status.FAILED)

    def test_nothing_is_written_and_the_upload_is_deleted(self) -> None:
        job = self.import_killed_mid_writing()
        path = job.upload.file.name
        self.client.get(job.get_absolute_url())
        self.assertFalse(default_storage.exists(path))
        self.assertFalse(CommunicationReach.objects.exists())

    def test_the_owner_can_start_again_and_a_new_worker_runs_it(self) -> None:
        job = self.import_killed_mid_writing()
        self.client.get(job.get_absolute_url())
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(URL, {"file": csv_file(ROWS)})
        again = Job.objects.exclude(pk=job.pk).get()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("job_confirm", args=[again.pk]))
        again.refresh_from_db()
        self.assertEqual((again.status, again.kind), (Job.Status.DONE, Job.Kind.IMPORT))
        self.assertEqual(CommunicationReach.objects.count(), 3)

    def test_a_job_that_reported_progress_recently_keeps_running(self) -> None:
        job = self.import_killed_mid_writing()
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, 'http-equiv="refresh"')
        job.refresh_from_db()
        self.assertEqual(job.status, Job.Status.RUNNING)

    def test_a_restarted_worker_fails_the_jobs_it_abandoned(self) -> None:
        job = self.import_killed_mid_writing()
        worker = _worker()
        with mock.patch("django_tasks.backends.database.management.commands.db_worker.Worker.run"):
            worker.run()
        job.refresh_from_db()
        self.assertEqual(job.status, Job.Status.FAILED)
        self.assertIn("The worker running this job stopped", job.failure)


class AbandonedWorkerTest(TransactionTestCase):
    """A worker that was only slow, and finds its job failed at its next progress report."""

    serialized_rollback = True

    def test_it_stops_and_its_rows_are_rolled_back(self) -> None:
        site = make_site("darien-office", province="PA-5")
        supervisor = make_user("supervisor", Role.SUPERVISOR, [site])
        content = csv_file(ROWS).read()
        with mock.patch("iompanama.files.jobs.check_import"):
            upload = PendingUpload.keep(supervisor, "f.csv", content)
            job = jobs.start_import(supervisor, "Import", _reach_resource(), upload, False, 3)
        job.confirm()

        def failed_meanwhile(*args, **kwargs):
            # The lease ran out while the worker was busy: another process failed the job.
            Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
            return real_import_rows(*args, **kwargs)

        real_import_rows = jobs.import_rows
        with (
            mock.patch("iompanama.files.resources.PROGRESS_EVERY", 1),
            mock.patch("iompanama.files.jobs.import_rows", side_effect=failed_meanwhile),
            self.assertLogs("iompanama.files.jobs", "ERROR"),
            self.assertRaises(jobs.JobAbandoned),
        ):
            jobs.write_import.call(job.pk)
        self.assertFalse(CommunicationReach.objects.exists())
        self.assertEqual(Job.objects.get(pk=job.pk).status, Job.Status.FAILED)


@override_settings(IMPORT_BACKGROUND_ROWS=2)
class JobDeliveredTwiceTest(PersonasTestCase):
    """Several workers share the queue; the task library hands each job to one of them, and if
    a job still came twice (a second worker, a task enqueued again) it runs once."""

    def test_a_second_run_of_a_finished_job_leaves_it_done_and_writes_nothing(self) -> None:
        self.login(self.supervisor_a)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(URL, {"file": csv_file(ROWS)})
        job = Job.objects.get()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("job_confirm", args=[job.pk]))
        self.assertEqual(Job.objects.get(pk=job.pk).status, Job.Status.DONE)
        for task in (jobs.check_import, jobs.write_import):
            with self.subTest(task.name), self.assertRaises(jobs.JobTaken):
                task.call(job.pk)
        job.refresh_from_db()
        self.assertEqual((job.status, job.kind), (Job.Status.DONE, Job.Kind.IMPORT))
        self.assertEqual(CommunicationReach.objects.count(), 3)

    def test_a_job_another_worker_is_running_is_left_to_it(self) -> None:
        job = Job.objects.create(
            by=self.admin,
            status=Job.Status.RUNNING,
            heartbeat_at=timezone.now(),
            expires_at=timezone.now() + datetime.timedelta(hours=1),
            total=1,
        )
        with self.assertRaises(jobs.JobTaken):
            jobs.run_export.call(job.pk)
        self.assertEqual(Job.objects.get(pk=job.pk).status, Job.Status.RUNNING)


@override_settings(WORKER_MAX_BACKOFF=4)
class WorkerReconnectTest(PersonasTestCase):
    def test_the_worker_waits_for_the_database_longer_each_time_and_goes_on(self) -> None:
        worker = _worker()
        lost = OperationalError("server closed the connection unexpectedly")
        with (
            mock.patch(
                "django_tasks.backends.database.management.commands.db_worker.Worker.run",
                side_effect=[lost, None],
            ) as work,
            mock.patch("iompanama.management.commands.task_worker.connections") as databases,
            mock.patch("iompanama.management.commands.task_worker.time.sleep") as sleep,
            self.assertLogs("iompanama.files.jobs", "WARNING"),
        ):
            databases["default"].ensure_connection.side_effect = [lost, lost, lost, None]
            worker.run()
        self.assertEqual([c.args[0] for c in sleep.call_args_list], [1, 2, 4, 4])
        self.assertEqual(work.call_count, 2)


@contextmanager
def _connection_ended():
    """PostgreSQL: the worker's server process is ended from another connection, as a restart
    does. SQLite has no server to restart: the worker's first query fails as a dropped
    connection's does."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (worker_process,) = cursor.fetchone()
        admin = connections.create_connection("default")
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [worker_process])
        admin.close()
        yield
        return
    real_cursor, dropped = connection.cursor, []

    def cursor(*args, **kwargs):
        if not dropped:
            dropped.append(True)
            raise OperationalError("the connection to the database was lost")
        return real_cursor(*args, **kwargs)

    with mock.patch.object(connection, "cursor", side_effect=cursor):
        yield


def _worker() -> ResilientWorker:
    return ResilientWorker(
        queue_names=["default"],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
    )


def _reach_resource():
    from activities.resources import ReachResource

    return ReachResource


class DatabaseRestartTest(TransactionTestCase):
    """The worker's connection ended as a restart of the database ends it."""

    serialized_rollback = True  # keeps what migrations made for the tests after it

    def test_the_worker_reconnects_and_goes_on(self) -> None:
        polls = []

        def poll(worker) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            polls.append(worker)

        with (
            _connection_ended(),
            mock.patch(
                "django_tasks.backends.database.management.commands.db_worker.Worker.run",
                autospec=True,
                side_effect=poll,
            ),
            mock.patch("iompanama.management.commands.task_worker.time.sleep"),
            self.assertLogs("iompanama.files.jobs", "WARNING") as logs,
        ):
            _worker().run()
        self.assertEqual(len(polls), 1)
        self.assertIn("The database is back", "\n".join(logs.output))
