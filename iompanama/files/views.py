"""The import and export pages every kind of record has (see RecordPages in records.py).

Import: upload → every row validated → preview, or the invalid rows with their number, column
and message and a download of them → confirm, which writes all the rows or none.
Export: the rows of the list's current filters, as CSV (streamed) or XLSX.
Big files of either kind go to background jobs (jobs.py), followed on the job page.
"""

import base64
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import models, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from iompanama.access import require_export, require_import
from iompanama.files import exports, jobs, uploads
from iompanama.files.imports import (
    ImportReport,
    RowError,
    UnreadableFile,
    failing_rows_csv,
    import_rows,
    read_table,
    too_large,
)
from iompanama.files.resources import FileResource, RecordResource
from iompanama.files.widgets import allowed_values, example_value
from iompanama.forms import RecordFilterForm
from iompanama.models import (
    ExportLog,
    Job,
    PendingUpload,
    PersonalDataAccess,
    Reviewable,
    User,
)

PREVIEW_ROWS = 50


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"), help_text=gettext_lazy("CSV or XLSX, with a header row.")
    )
    approve = forms.BooleanField(
        label=gettext_lazy("Approve on import"),
        required=False,
        help_text=gettext_lazy("The records count at once; recorded in each one's review steps."),
    )

    def __init__(
        self, *args, user: User, may_approve: bool = True, stopped: bool = False, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stopped = stopped
        if not (may_approve and user.is_administrator):
            del self.fields["approve"]

    def clean(self):
        if self.stopped:
            # Stopped at the limit while it streamed in (uploads.SizeLimitedUploadHandler): no
            # file arrived, and "required" would not say why.
            self.errors.pop("file", None)
            self.add_error("file", too_large())
        return super().clean()

    def clean_file(self):
        """Refused by its size before it is read: Django streamed it to disk, and a file of
        hundreds of megabytes must not be read into memory to be told it is too big."""
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large())
        return upload


def filtered_records(request: HttpRequest, model, filter_form: type[RecordFilterForm]):
    """The rows a list page shows for this request: the person's, through its filters."""
    visible = model.objects.for_user(request.user)
    form = filter_form(request.GET or None, user=request.user)
    return form, (form.filter(visible) if form.is_bound else visible)


def record_export(
    request: HttpRequest,
    model: type[Reviewable],
    filter_form: type[RecordFilterForm],
    resource_class: type[RecordResource],
    file_format: str,
) -> HttpResponse:
    require_export(request.user, model, resource_class.personal_data)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    _form, records = filtered_records(request, model, filter_form)
    total = records.count()
    if resource_class.personal_data:
        PersonalDataAccess.record(request, PersonalDataAccess.Action.EXPORT, model)
        ExportLog.objects.create(
            by=request.user,
            kind=model._meta.label_lower,
            filters=request.GET.urlencode(),
            rows=total,
            file_format=file_format,
        )
    filename = str(model._meta.verbose_name_plural).replace(" ", "-")
    if total > settings.EXPORT_BACKGROUND_ROWS:
        job = jobs.start_export(
            request.user,
            _("Export of %(kind)s") % {"kind": model._meta.verbose_name_plural},
            resource_class,
            filter_form,
            request.GET.urlencode(),
            file_format,
            total,
        )
        return redirect(job)
    resource = exports.export_resource(resource_class, request.user, request.GET)
    if file_format == "csv":
        return exports.csv_response(exports.csv_chunks(resource, records), filename)
    rows = exports.rows_of(resource, records)
    return exports.xlsx_response(rows, filename, model._meta.verbose_name_plural)


def record_import(
    request: HttpRequest, model: type[models.Model], resource_class: type[FileResource]
) -> HttpResponse:
    """The import page of a kind of record, or of people (not reviewed: nothing to approve)."""
    require_import(request.user, model)
    title = _("Import: %(kind)s") % {"kind": model._meta.verbose_name_plural}
    template_url = reverse(f"{request.resolver_match.view_name}_template")
    return run_import(
        request,
        resource_class,
        model.list_url(),
        title,
        may_approve=issubclass(resource_class, RecordResource),
        template_url=template_url,
        background=resource_class,
    )


def run_import(
    request: HttpRequest,
    make_resource: Callable[[User, bool], RecordResource],
    done_url: str,
    title: str,
    may_approve: bool = True,
    template_url: str = "",
    background: type[FileResource] | None = None,
) -> HttpResponse:
    """The upload → preview → confirm steps, for a person already allowed to import;
    `make_resource(user, approve)` makes the resource. With `background`, the resource's class,
    a file of more than IMPORT_BACKGROUND_ROWS rows is checked and written by jobs instead.
    (Survey respondents, made for one round by a closure, stay here: a round is small.)"""
    ctx = {"title": title, "template_url": template_url}
    token = request.POST.get("token")
    if token:
        return _confirm(request, make_resource, done_url, token, ctx)
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        user=request.user,
        may_approve=may_approve,
        stopped=uploads.stopped(request),
    )
    ctx["form"] = form
    if not form.is_valid():
        return render(request, "records/import.html", ctx)
    upload = form.cleaned_data["file"]
    content = upload.read()
    approve = bool(form.cleaned_data.get("approve"))
    try:
        dataset = read_table(upload.name, content)
        if background and len(dataset) > settings.IMPORT_BACKGROUND_ROWS:
            pending = PendingUpload.keep(request.user, upload.name, content)
            job = jobs.start_import(request.user, title, background, pending, approve, len(dataset))
            return redirect(job)
        report = import_rows(
            make_resource(request.user, approve),
            dataset,
            dry_run=True,  # writes nothing: its review steps need not name the file
        )
    except UnreadableFile as error:
        form.add_error("file", str(error))
        return render(request, "records/import.html", ctx)
    ctx |= {"report": report, "approve": approve}
    if not report.is_valid:
        failing = failing_rows_csv(dataset, report)
        ctx["failing_rows_href"] = "data:text/csv;charset=utf-8;base64," + base64.b64encode(
            ("\ufeff" + failing).encode()
        ).decode("ascii")
        return render(request, "records/import.html", ctx)
    # Kept until confirmed, by this page only, by its owner only.
    pending = PendingUpload.keep(
        request.user, upload.name, content, page=request.path, approve=approve
    )
    ctx |= {"token": pending.token, "preview": _preview(dataset, PREVIEW_ROWS)}
    return render(request, "records/import.html", ctx)


def _confirm(request, make_resource, done_url: str, token: str, ctx: dict) -> HttpResponse:
    pending = (
        PendingUpload.objects.for_user(request.user).filter(token=token, page=request.path).first()
    )
    if pending is None:
        messages.error(request, _("This import has expired: upload the file again."))
        return redirect(request.path)
    if not pending.is_stored or not pending.claim():
        return _already_confirmed(request, done_url)
    content = pending.read()
    pending.drop_file()
    dataset = read_table(pending.name, content)
    report = import_rows(
        make_resource(request.user, pending.approve),
        dataset,
        dry_run=False,
        source=pending.source,
    )
    if not report.is_valid:
        # The data changed since the preview (a site closed, a record moved): nothing written.
        ctx |= {"report": report}
        return render(request, "records/import.html", ctx)
    messages.success(
        request,
        _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
        % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
    )
    return redirect(done_url)


def _already_confirmed(request: HttpRequest, done_url: str) -> HttpResponse:
    messages.info(request, _("This import is already confirmed."))
    return redirect(done_url)


def _preview(dataset, limit: int) -> dict:
    return {"headers": dataset.headers, "rows": [list(row) for row in dataset[:limit]]}


def import_template(
    request: HttpRequest, model: type[models.Model], resource_class: type[FileResource]
) -> HttpResponse:
    """An XLSX to fill in: the headers and an example row, and a sheet explaining each column."""
    require_import(request.user, model)
    resource = resource_class(user=request.user)
    book = openpyxl.Workbook()
    data = book.active
    data.title = str(_("Data"))
    data.append(resource.column_names())
    examples = [example_value(resource.widget_of(c), c.example) for c in resource.file_columns]
    data.append(examples)
    guide = book.create_sheet(str(_("Columns")))
    guide.append(
        [_("Column"), _("Required"), _("What it holds"), _("Allowed values"), _("Example")]
    )
    for column, example in zip(resource.file_columns, examples, strict=True):
        guide.append(
            [
                column.name,
                _("yes") if column.required else _("no"),
                str(column.help),
                allowed_values(resource.widget_of(column)),
                example,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = str(model._meta.verbose_name_plural).replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="{filename}-template.xlsx"'
    return response


def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A background job's progress; the page refreshes itself until the job ends."""
    job = _get_job_for_user(request.user, pk)
    if job.is_abandoned:
        job.fail_abandoned()
        job.refresh_from_db()
    ctx = {"job": job, "title": job.title}
    if job.kind != Job.Kind.EXPORT and job.status == Job.Status.DONE:
        ctx |= _import_outcome(job)
    return render(request, "records/job.html", ctx)


def _import_outcome(job: Job) -> dict:
    """The import report as the synchronous page shows it, and where to go next."""
    if job.report.get("problem"):
        return {"problem": job.report["problem"]}
    errors = [RowError(**error) for error in job.report["errors"]]
    report = ImportReport(**(job.report | {"errors": errors}))
    ctx = {"report": report, "list_url": job.record_model.list_url(), "approve": job.approve}
    if job.file:
        ctx["failing_rows_href"] = reverse("job_download", args=[job.pk])
    return ctx


@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Starts writing a checked import: its owner's, still allowed to import, and only once."""
    with transaction.atomic():
        job = _get_job_for_user(request.user, pk, for_update=True)
        if job.kind == Job.Kind.EXPORT:
            raise Http404
        require_import(request.user, job.record_model)
        if not job.is_confirmable:
            messages.error(
                request, _("This import can no longer be confirmed: upload the file again.")
            )
            return redirect(job)
        jobs.confirm_import(job)
    return redirect(job)


def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _get_job_for_user(request.user, pk)
    if job.status != Job.Status.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=Path(job.file.name).name)


def _get_job_for_user(user: User, pk: int, for_update: bool = False) -> Job:
    jobs_seen = Job.objects.for_user(user)
    if for_update:
        jobs_seen = jobs_seen.select_for_update()
    try:
        return jobs_seen.get(pk=pk)
    except Job.DoesNotExist:
        raise Http404 from None
