"""Exports too long for a request, run by the task worker (django-tasks: its database backend
needs no server besides PostgreSQL; development and tests run them at once, in-process)."""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.http import QueryDict
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from iompanama import exports
from iompanama.models import Job, User

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 500  # rows between two updates of the progress bar


def start_export(
    user: User, title: str, resource, filter_form, query: str, file_format: str, total: int
) -> Job:
    for old in Job.objects.expired():
        old.file.delete(save=False)
        old.delete()
    job = Job.objects.create(
        by=user,
        title=title,
        resource=f"{resource.__module__}.{resource.__qualname__}",
        filter_form=f"{filter_form.__module__}.{filter_form.__qualname__}",
        query=query,
        file_format=file_format,
        total=total,
        expires_at=timezone.now() + timedelta(hours=settings.JOB_KEEP_HOURS),
    )
    run_export.enqueue(job.pk)
    return job


@task()
def run_export(job_id: int) -> None:
    job = Job.objects.select_related("by").get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    try:
        resource_class = import_string(job.resource)
        model = resource_class._meta.model
        # The same rows as the list: the owner's, through the list's filters.
        visible = model.objects.for_user(job.by)
        form = import_string(job.filter_form)(QueryDict(job.query) or None, user=job.by)
        records = form.filter(visible) if form.is_bound else visible
        rows = _counting(job, exports.rows_of(resource_class(user=job.by), records))
        with tempfile.TemporaryFile() as out:
            if job.file_format == "csv":
                for line in exports.csv_lines(rows):
                    out.write(line.encode())
            else:
                exports.write_xlsx(rows, out)
            out.seek(0)
            job.file.save(f"{job.pk}-export.{job.file_format}", File(out), save=False)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE, file=job.file.name, done=job.total
        )
    except Exception:
        logger.exception("Export job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
        raise


def _counting(job: Job, rows):
    for number, row in enumerate(rows):
        if number and number % PROGRESS_EVERY == 0:
            Job.objects.filter(pk=job.pk).update(done=number)
        yield row
