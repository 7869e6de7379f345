"""django-tasks' db_worker, kept alive through database restarts."""

import logging
import os
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks.backends.database.management.commands import db_worker

from iompanama.models import Job

logger = logging.getLogger("iompanama.files.jobs")


class ResilientWorker(db_worker.Worker):
    """db_worker exits on the first database error, and background work stops until someone
    restarts it. This one waits for the database, longer each time up to WORKER_MAX_BACKOFF
    seconds, and goes on; a job it was running is failed by its lease (Job.abandoned)."""

    def run(self) -> None:
        while self.running:
            try:
                # Jobs whose worker died (this one, before a restart) are failed first.
                Job.objects.fail_abandoned()
                super().run()
            except (OperationalError, InterfaceError):
                logger.exception("The database is unreachable; waiting for it.")
                self.wait_for_database()
            else:
                return  # --batch or --max-tasks reached

    def wait_for_database(self) -> None:
        delay = 1
        while self.running:
            connections.close_all()
            time.sleep(delay)
            try:
                connections["default"].ensure_connection()
            except (OperationalError, InterfaceError):
                delay = min(2 * delay, settings.WORKER_MAX_BACKOFF)
                logger.warning("The database is still unreachable; next try in %s s.", delay)
            else:
                logger.warning("The database is back; the worker goes on.")
                return


class Command(db_worker.Command):
    help = "Runs the background jobs (exports, imports), and outlives database restarts."

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        max_tasks: int | None,
        worker_id: str,
        reload: bool,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
        )
        if not reload or batch:
            worker.configure_signals()
            worker.run()
            return
        # Development: restarted on every code change, like db_worker --reload.
        if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            worker.configure_signals()
        run_with_reloader(worker.run)
