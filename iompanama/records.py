"""The four pages every kind of record has: list, detail, create and edit.

Each app's views call these with its model, forms and templates, so that scoping, the version
check and the review panel are written once.
"""

import uuid
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from iompanama import db
from iompanama.access import (
    get_record_for_user,
    may_enter_records,
    may_import,
    require_record_entry,
    require_record_viewing,
)
from iompanama.files import uploads
from iompanama.files import views as files
from iompanama.files.resources import RecordResource
from iompanama.forms import RecordFilterForm, RecordForm, ReturnForm
from iompanama.history import history_entries
from iompanama.models import (
    MadeOnce,
    PeriodLocked,
    PersonalDataAccess,
    Reviewable,
    ReviewStatus,
    StaleRecord,
)

PAGE_SIZE = 25


def record_list(
    request: HttpRequest,
    model: type[Reviewable],
    filter_form: type[RecordFilterForm],
    template: str,
    related: tuple[str, ...] = (),
    transfer_links: dict | None = None,
) -> HttpResponse:
    """`related`: the foreign keys the rows show besides site and author, fetched in the same
    query. `transfer_links`: the export and import links the page offers."""
    require_record_viewing(request.user, model)
    form, records = files.filtered_records(request, model, filter_form)
    ctx = {
        **(transfer_links or {}),
        "form": form,
        **paginate(
            request, records.select_related("site", "created_by", *related).with_approval_kind()
        ),
        "title": model._meta.verbose_name_plural,
        "create_url": model.create_url(),
        "may_create": may_enter_records(request.user, model),
    }
    return render(request, template, ctx)


class CappedPaginator(Paginator):
    """Pages of a list that count its rows no further than COUNTED_UP_TO past the first row of
    the asked page, so that a page reads about as many rows as it shows whatever the size of
    the table: a COUNT(*) of the people a site sees (found through four tables) read every
    person, 200 ms at a million records. Past where it stopped, the list says "more than"."""

    def __init__(self, rows: QuerySet, per_page: int, asked: str | None) -> None:
        super().__init__(rows, per_page)
        number = int(asked) if asked and asked.isdigit() else 1
        self.counted_up_to = max(number - 1, 0) * per_page + db.COUNTED_UP_TO

    @cached_property
    def count(self) -> int:
        return db.capped_counts([self.object_list], up_to=self.counted_up_to)[0]

    @property
    def counted_all(self) -> bool:
        return self.count <= self.counted_up_to

    @property
    def pages_counted(self) -> int:
        """The number of pages, or how many there are more than when counting stopped."""
        return self.num_pages if self.counted_all else self.counted_up_to // self.per_page


def paginate(request: HttpRequest, rows: QuerySet) -> dict:
    """The asked-for `page` of `rows`, and the `query` its links keep (filters, not the page)."""
    query = request.GET.copy()
    query.pop("page", None)
    asked = request.GET.get("page")
    page = CappedPaginator(rows, PAGE_SIZE, asked).get_page(asked)
    return {"page": page, "query": query.urlencode()}


def record_detail(
    request: HttpRequest, model: type[Reviewable], pk: int, template: str
) -> HttpResponse:
    record = get_record_for_user(request.user, model, pk)
    if model.names_people:
        PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, record)
    transitions = list(record.transitions.select_related("by"))
    review_refusal = record.review_refusal(request.user)
    ctx = {
        "record": record,
        "kind": model._meta.label_lower,
        "may_edit": record.may_edit(request.user),
        "edit_url": record.get_edit_url(),
        "may_submit": record.may_submit(request.user),
        "review_refusal": review_refusal,
        "may_review": review_refusal is None,
        "return_form": ReturnForm(),
        "transitions": transitions,
        "history": history_entries(record, transitions),
    }
    return render(request, template, ctx)


def record_create(
    request: HttpRequest,
    model: type[Reviewable],
    form_class: type[RecordForm],
    template: str,
    formset_class: type[BaseInlineFormSet] | None = None,
) -> HttpResponse:
    """`formset_class`, an inline formset, edits the record's rows (items, family members) in
    the same form: the record and its rows are saved together or not at all."""
    require_record_entry(request.user, model)
    # A link may choose a field ("new legal case" for a person): the form offers only what the
    # person may choose, and validates what is posted.
    form = form_class(
        request.POST or None, request.FILES or None, user=request.user, initial=request.GET.dict()
    )
    formset = _formset(request, formset_class, form.instance)
    title = _("New record: %(kind)s") % {"kind": model._meta.verbose_name}
    ctx = {"form": form, "formset": formset, "title": title, "may_send": True}
    made = made_before(request, model)
    if made:
        return redirect(made)
    if not _all_valid(request, form, formset):
        return render(request, template, ctx)
    record = form.save(commit=False)
    try:
        record.create(by=request.user, write_related=_related_writer(form, formset, record))
    except PeriodLocked as error:
        messages.error(request, str(error))
        return render(request, template, ctx)
    except IntegrityError:
        # A parallel post of the same form made it first.
        made = made_before(request, model)
        if made is None:
            raise
        return redirect(made)
    if not _send_if_asked(request, record):
        messages.success(request, _("Saved as a draft. Send it for review when it is complete."))
    return redirect(record)


def _send_if_asked(request: HttpRequest, record: Reviewable) -> bool:
    """Save and submit in one action (the "Send for review" button); whether it did."""
    if request.POST.get("action") != "submit" or not record.may_submit(request.user):
        return False
    record.submit(by=request.user)
    messages.success(request, _("Saved and sent for review."))
    return True


def made_before(request: HttpRequest, model: type[MadeOnce]) -> MadeOnce | None:
    """The row that this same form, posted before, already made; it is shown, not made again."""
    if request.method != "POST":
        return None
    try:
        intent = uuid.UUID(request.POST.get("intent", ""))
    except ValueError:
        return None
    made = model.made_by_form(intent, request.user)
    if made:
        messages.info(request, _("This form was already saved: here is what it made."))
    return made


def _related_writer(form: RecordForm, formset: BaseInlineFormSet | None, record: Reviewable):
    """Saves the record's many-to-many values and rows, inside the record's write path."""

    def write_related() -> None:
        form.save_m2m()
        _save_rows(formset, record)

    return write_related


def record_edit(
    request: HttpRequest,
    model: type[Reviewable],
    pk: int,
    form_class: type[RecordForm],
    template: str,
    formset_class: type[BaseInlineFormSet] | None = None,
) -> HttpResponse:
    record = get_record_for_user(request.user, model, pk, to="edit")
    was_approved = record.status == ReviewStatus.APPROVED
    form = form_class(
        request.POST or None, request.FILES or None, instance=record, user=request.user
    )
    formset = _formset(request, formset_class, record)
    ctx = {
        "form": form,
        "formset": formset,
        "record": record,
        "title": _("Edit: %(record)s") % {"record": record},
        "may_send": record.may_submit(request.user),
        "return_reason": record.last_return_reason()
        if record.status == ReviewStatus.RETURNED
        else "",
    }
    if not _all_valid(request, form, formset):
        return render(request, template, ctx)
    record = form.save(commit=False)
    try:
        record.save_changes(
            by=request.user,
            seen_version=form.cleaned_data["seen_version"],
            write_related=_related_writer(form, formset, record),
        )
    except StaleRecord:
        refuse_stale_save(request)
        return render(request, template, ctx)
    except PeriodLocked as error:
        messages.error(request, str(error))
        return render(request, template, ctx)
    if was_approved:
        messages.warning(request, _("Saved. The record changed, so it is back in review."))
    elif not _send_if_asked(request, record):
        messages.success(request, _("Saved."))
    return redirect(record)


def refuse_stale_save(request: HttpRequest) -> None:
    messages.error(
        request,
        _(
            "Someone else changed this record after you opened it. Your changes were "
            "not saved: open it again to see their version."
        ),
    )


def _formset(
    request: HttpRequest, formset_class: type[BaseInlineFormSet] | None, record: Reviewable
) -> BaseInlineFormSet | None:
    if formset_class is None:
        return None
    return formset_class(
        request.POST or None,
        request.FILES or None,
        instance=record,
        form_kwargs={"user": request.user},
        initial=None if record.pk else formset_class.new_rows(request.user),
    )


def _all_valid(request: HttpRequest, form: RecordForm, formset: BaseInlineFormSet | None) -> bool:
    # Both are validated, so that every error shows at once.
    valid = all([form.is_valid(), formset is None or formset.is_valid()])
    if form.is_bound and uploads.stopped(request):
        # No file arrived: saving would lose the one the person chose without a word.
        for name, field in form.fields.items():
            if isinstance(field, forms.FileField):
                form.add_error(name, uploads.not_received())
        return False
    return valid


def _save_rows(formset: BaseInlineFormSet | None, record: Reviewable) -> None:
    if formset is not None:
        formset.instance = record
        formset.save()


@dataclass(frozen=True)
class RecordPages:
    """The four pages of one kind of record, named <name>_list, _create, _detail and _edit, with
    the templates <app>/<name>_list.html and <app>/<name>_detail.html."""

    name: str
    model: type[Reviewable]
    form: type[RecordForm]
    filter_form: type[RecordFilterForm] = RecordFilterForm
    rows: type[BaseInlineFormSet] | None = None
    form_template: str = "records/form.html"
    related: tuple[str, ...] = ()
    # Its rows in files: exported from the list; imported too when the resource is importable.
    resource: type[RecordResource] | None = None

    def urls(self, route: str) -> list[URLPattern]:
        patterns = [
            path(f"{route}/", self.list_page, name=f"{self.name}_list"),
            path(f"{route}/new/", self.create_page, name=f"{self.name}_create"),
            path(f"{route}/<int:pk>/", self.detail_page, name=f"{self.name}_detail"),
            path(f"{route}/<int:pk>/edit/", self.edit_page, name=f"{self.name}_edit"),
        ]
        if self.resource:
            patterns.append(
                path(
                    f"{route}/export.<str:file_format>",
                    self.export_page,
                    name=f"{self.name}_export",
                )
            )
        if self.importable:
            patterns += [
                path(f"{route}/import/", self.import_page, name=f"{self.name}_import"),
                path(
                    f"{route}/import/template.xlsx",
                    self.template_page,
                    name=f"{self.name}_import_template",
                ),
            ]
        return patterns

    @property
    def importable(self) -> bool:
        return bool(self.resource and self.resource.importable)

    def _url(self, page: str, **kwargs) -> str:
        namespace = self.model.url_prefix.rpartition(":")[0]
        return reverse(f"{namespace}:{self.name}_{page}", kwargs=kwargs or None)

    def transfer_links(self, request: HttpRequest) -> dict:
        user = request.user
        links = {}
        if self.resource and (not self.resource.personal_data or user.is_administrator):
            query = f"?{request.GET.urlencode()}" if request.GET else ""
            for_machines = query + ("&" if query else "?") + "codes=1"
            links["export_links"] = [
                ("CSV", self._url("export", file_format="csv") + query),
                ("XLSX", self._url("export", file_format="xlsx") + query),
                (
                    _("CSV for machines (codes, HXL)"),
                    self._url("export", file_format="csv") + for_machines,
                ),
            ]
        links["may_import"] = may_import(user, self.model)
        if self.importable and links["may_import"]:
            links["import_url"] = self._url("import")
        return links

    def export_page(self, request: HttpRequest, file_format: str) -> HttpResponse:
        return files.record_export(
            request, self.model, self.filter_form, self.resource, file_format
        )

    def import_page(self, request: HttpRequest) -> HttpResponse:
        return files.record_import(request, self.model, self.resource)

    def template_page(self, request: HttpRequest) -> HttpResponse:
        return files.import_template(request, self.model, self.resource)

    def _template(self, page: str) -> str:
        return f"{self.model._meta.app_label}/{self.name}_{page}.html"

    def list_page(self, request: HttpRequest) -> HttpResponse:
        return record_list(
            request,
            self.model,
            self.filter_form,
            self._template("list"),
            self.related,
            self.transfer_links(request),
        )

    def detail_page(self, request: HttpRequest, pk: int) -> HttpResponse:
        return record_detail(request, self.model, pk, self._template("detail"))

    def create_page(self, request: HttpRequest) -> HttpResponse:
        return record_create(request, self.model, self.form, self.form_template, self.rows)

    def edit_page(self, request: HttpRequest, pk: int) -> HttpResponse:
        return record_edit(request, self.model, pk, self.form, self.form_template, self.rows)
