"""Exports and imports too long for a request, run by the task worker (django-tasks: its
database backend needs no server besides PostgreSQL; development and tests run them at once,
in-process). A big import is checked by one job and, once its owner confirms, written by another
on the same Job row; its upload (a PendingUpload) is kept in between and deleted when the writing
ends."""

import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

import tablib
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import task

from iompanama.files import exports
from iompanama.files.imports import (
    ImportReport,
    UnreadableFile,
    failing_rows_csv,
    import_rows,
    read_table,
)
from iompanama.files.resources import PROGRESS_EVERY
from iompanama.files.uploads import expire_files
from iompanama.models import Job, PendingUpload, User

logger = logging.getLogger(__name__)


class JobTaken(Exception):
    """The job was not waiting to start: another worker ran it or runs it (a task delivered
    twice), or it was failed. This worker leaves it alone."""


class JobAbandoned(Exception):
    """The job was failed while its worker was silent (JOB_LEASE_SECONDS): it must stop, and
    leave nothing written."""


def start_export(
    user: User, title: str, resource, filter_form, query: str, file_format: str, total: int
) -> Job:
    job = _create(
        user,
        kind=Job.Kind.EXPORT,
        title=title,
        resource=_dotted(resource),
        filter_form=_dotted(filter_form),
        query=query,
        file_format=file_format,
        total=total,
    )
    run_export.enqueue(job.pk)
    return job


def start_import(
    user: User, title: str, resource, upload: PendingUpload, approve: bool, total: int
) -> Job:
    """Checks a kept upload in the background."""
    job = _create(
        user,
        kind=Job.Kind.IMPORT_CHECK,
        title=title,
        resource=_dotted(resource),
        upload=upload,
        approve=approve,
        file_format=Path(upload.name).suffix.lower().lstrip("."),
        total=total,
    )
    check_import.enqueue(job.pk)
    return job


def confirm_import(job: Job) -> None:
    """Writes a checked import in the background; the caller has made sure it is confirmable."""
    job.confirm()
    write_import.enqueue(job.pk)


def _create(user: User, **fields) -> Job:
    Job.objects.fail_abandoned()
    expire_files()
    return Job.objects.create(
        by=user,
        language=translation.get_language() or "",
        expires_at=timezone.now() + timedelta(hours=settings.JOB_KEEP_HOURS),
        **fields,
    )


def _dotted(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _update(job: Job, **fields) -> None:
    Job.objects.filter(pk=job.pk).update(**fields)


@contextmanager
def _running(job: Job) -> Iterator[None]:
    """Marks the job running, then failed (logged, never shown) if its work raises. Only a
    queued job starts, by one conditional update: one already taken by another worker, done,
    or failed (abandoned by a worker that died) is not run again."""
    started = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, heartbeat_at=timezone.now()
    )
    if not started:
        raise JobTaken
    try:
        with translation.override(job.language or None):
            yield
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _update(job, status=Job.Status.FAILED)
        raise


def _finish(job: Job, **fields) -> None:
    finished = (
        Job.objects.filter(pk=job.pk)
        .exclude(status=Job.Status.FAILED)
        .update(status=Job.Status.DONE, done=job.total, **fields)
    )
    if not finished:
        raise JobAbandoned


@task()
def run_export(job_id: int) -> None:
    job = Job.objects.select_related("by").get(pk=job_id)
    with _running(job):
        resource_class = import_string(job.resource)
        model = resource_class._meta.model
        # The same rows as the list: the owner's, through the list's filters.
        visible = model.objects.for_user(job.by)
        form = import_string(job.filter_form)(QueryDict(job.query) or None, user=job.by)
        records = form.filter(visible) if form.is_bound else visible
        resource = exports.export_resource(resource_class, job.by, QueryDict(job.query))
        with tempfile.TemporaryFile() as out:
            if job.file_format == "csv":
                for chunk in _counting_lines(job, exports.csv_chunks(resource, records)):
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
            else:
                rows = _counting(job, exports.rows_of(resource, records))
                exports.write_xlsx(rows, out, model._meta.verbose_name_plural)
            out.seek(0)
            job.file.save(f"{job.pk}-export.{job.file_format}", File(out), save=False)
        _finish(job, file=job.file.name)


def _counting_lines(job: Job, chunks):
    """The progress of a CSV written in chunks: its lines so far (a cell may hold a line
    break: a progress bar, not a count)."""
    done = reported = 0
    for chunk in chunks:
        done += chunk.count(b"\n" if isinstance(chunk, bytes) else "\n")
        if done - reported >= PROGRESS_EVERY:
            Job.objects.filter(pk=job.pk).update(done=done)
            reported = done
        yield chunk


def _counting(job: Job, rows):
    for number, row in enumerate(rows):
        if number and number % PROGRESS_EVERY == 0:
            _beat(job, number)
        yield row


def _beat(job: Job, done: int) -> None:
    """Progress, and the lease renewed; JobAbandoned if the job was failed meanwhile."""
    alive = (
        Job.objects.filter(pk=job.pk)
        .exclude(status=Job.Status.FAILED)
        .update(done=done, heartbeat_at=timezone.now())
    )
    if not alive:
        raise JobAbandoned


@task()
def check_import(job_id: int) -> None:
    job = Job.objects.select_related("by").get(pk=job_id)
    with _running(job):
        dataset, source = _stored_table(job)
        try:
            with _progress(job) as progress:
                report = import_rows(
                    _resource(job), dataset, dry_run=True, progress=progress, source=source
                )
        except UnreadableFile as error:  # a required column is missing
            _drop_upload(job)
            _finish(job, report={"problem": str(error)})
            return
        _finish_import(job, dataset, report)


@task()
def write_import(job_id: int) -> None:
    job = Job.objects.select_related("by").get(pk=job_id)
    with _running(job):
        try:
            dataset, source = _stored_table(job)
            with _progress(job) as progress:
                # All rows or none, as in a request: the data may have changed since the check.
                report = import_rows(
                    _resource(job), dataset, dry_run=False, progress=progress, source=source
                )
        finally:
            _drop_upload(job)
        _finish_import(job, dataset, report)


def _stored_table(job: Job) -> tuple[tablib.Dataset, str]:
    """The uploaded table, and the file as its rows' review steps name it."""
    return read_table(job.upload.name, job.upload.read()), job.upload.source


def _resource(job: Job):
    return import_string(job.resource)(user=job.by, approve=job.approve)


def _finish_import(job: Job, dataset: tablib.Dataset, report: ImportReport) -> None:
    """Keeps the report, and the invalid rows as a CSV for the person to fix them."""
    if not report.is_valid:
        _drop_upload(job)
        failing = "\ufeff" + failing_rows_csv(dataset, report)
        job.file.save(f"{job.pk}-invalid-rows.csv", ContentFile(failing.encode()), save=False)
    _finish(job, report=asdict(report), file=job.file.name)


def _drop_upload(job: Job) -> None:
    job.drop_upload()
    _update(job, upload=None)


@contextmanager
def _progress(job: Job) -> Iterator[Callable[[int], None]]:
    """`import_rows` works in one transaction, where a progress written would show only at its
    end (a check's, never): on PostgreSQL it goes through a connection of its own. SQLite is
    for development, where jobs run in the request anyway."""
    if connection.vendor != "postgresql":
        yield lambda done: _beat(job, done)
        return
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    table = own.ops.quote_name(Job._meta.db_table)

    def update(done: int) -> None:
        with own.cursor() as cursor:
            # The table's name is ours (quoted); the values go as parameters.
            sql = (
                f"UPDATE {table} SET done = %s, heartbeat_at = %s "  # noqa: S608
                "WHERE id = %s AND status <> %s"
            )
            cursor.execute(sql, [done, timezone.now(), job.pk, Job.Status.FAILED])
            if not cursor.rowcount:
                # Raised inside the import's transaction, which it rolls back.
                raise JobAbandoned

    try:
        yield update
    finally:
        own.close()
