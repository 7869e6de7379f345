from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from cases.forms import (
    AVRCaseFilterForm,
    AVRCaseForm,
    BeneficiaryFilterForm,
    BeneficiaryForm,
    CounsellingSessionFormSet,
    FamilyMemberFormSet,
    LegalOrientationCaseFilterForm,
    LegalOrientationCaseForm,
)
from cases.models import AVRCase, Beneficiary, LegalOrientationCase
from cases.resources import AVRCaseResource, BeneficiaryResource, LegalCaseResource
from iompanama import records, transfers
from iompanama.access import (
    get_record_for_user,
    may_enter_records,
    may_import,
    require_record_entry,
    require_record_viewing,
)
from iompanama.history import history_entries
from iompanama.models import StaleRecord
from iompanama.records import RecordPages


def beneficiary_list(request: HttpRequest) -> HttpResponse:
    require_record_viewing(request.user, Beneficiary)
    form, people = transfers.filtered_records(request, Beneficiary, BeneficiaryFilterForm)
    ctx = {
        "form": form,
        **records.paginate(request, people.select_related("site")),
        "may_create": may_enter_records(request.user, Beneficiary),
        "may_export": request.user.is_administrator,
        "may_import": may_import(request.user, Beneficiary),
    }
    return render(request, "cases/beneficiary_list.html", ctx)


PEOPLE_FOUND = 20  # at a time: enough to choose from on a phone screen


def people_search(request: HttpRequest) -> JsonResponse:
    """The people of the person's sites whose names or document contain what was typed, for
    the person picker of the case forms."""
    require_record_viewing(request.user, Beneficiary)
    text = request.GET.get("q", "").strip()[:100]
    people = Beneficiary.objects.for_user(request.user).search(text) if len(text) >= 2 else []
    results = [
        {"value": person.pk, "text": person.choice_label()} for person in people[:PEOPLE_FOUND]
    ]
    return JsonResponse({"results": results})


def people_offline(request: HttpRequest) -> JsonResponse:
    """Every person of the user's sites, for the person picker without a connection; only for
    those who enter cases, and scoped exactly as the search. The service worker keeps it a day."""
    require_record_entry(request.user, LegalOrientationCase)
    people = Beneficiary.objects.for_user(request.user).order_by("family_names", "given_names")
    results = [{"value": person.pk, "text": person.choice_label()} for person in people]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response


def beneficiary_export(request: HttpRequest, file_format: str) -> HttpResponse:
    return transfers.record_export(
        request, Beneficiary, BeneficiaryFilterForm, BeneficiaryResource, file_format
    )


def beneficiary_import(request: HttpRequest) -> HttpResponse:
    return transfers.record_import(request, Beneficiary, BeneficiaryResource)


def beneficiary_import_template(request: HttpRequest) -> HttpResponse:
    return transfers.import_template(request, Beneficiary, BeneficiaryResource)


def beneficiary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_record_for_user(request.user, Beneficiary, pk)
    visible_cases = {
        model: model.objects.for_user(request.user).involving(person).select_related("site")
        for model in (LegalOrientationCase, AVRCase)
    }
    ctx = {
        "person": person,
        "may_edit": person.may_edit(request.user),
        "legal_cases": visible_cases[LegalOrientationCase],
        "avr_cases": visible_cases[AVRCase].select_related("principal"),
        "history": history_entries(person),
        "new_case_links": [
            (_("New legal case"), f"{LegalOrientationCase.create_url()}?beneficiary={person.pk}"),
            (_("New AVR case"), f"{AVRCase.create_url()}?principal={person.pk}"),
        ]
        if may_enter_records(request.user, LegalOrientationCase)
        else [],
    }
    return render(request, "cases/beneficiary_detail.html", ctx)


def beneficiary_create(request: HttpRequest) -> HttpResponse:
    require_record_entry(request.user, Beneficiary)
    form = BeneficiaryForm(request.POST or None, user=request.user)
    made = records.made_before(request, Beneficiary)
    if made:
        return redirect(made)
    if form.is_valid():
        person = form.save(commit=False)
        try:
            with transaction.atomic():
                person.register(by=request.user)
        except IntegrityError:
            made = records.made_before(request, Beneficiary)  # a parallel post made it first
            if made is None:
                raise
            return redirect(made)
        messages.success(request, _("Registered."))
        return redirect(_back_to_case(request, person) or person)
    ctx = {"form": form, "title": _("Register a beneficiary")}
    return render(request, "cases/beneficiary_form.html", ctx)


def _back_to_case(request: HttpRequest, person: Beneficiary) -> str:
    """The case form the person was registered from, with them chosen, or ""."""
    back = request.GET.get("back", "")
    field = request.GET.get("field", "")
    if not (back and field.isidentifier()):
        return ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return ""
    return f"{back.split('?')[0]}?{urlencode({field: person.pk})}"


def beneficiary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_record_for_user(request.user, Beneficiary, pk, to="edit")
    form = BeneficiaryForm(request.POST or None, instance=person, user=request.user)
    if form.is_valid():
        try:
            form.save(commit=False).save_changes(
                by=request.user, seen_version=form.cleaned_data["seen_version"]
            )
        except StaleRecord:
            records.refuse_stale_save(request)
        else:
            messages.success(request, _("Saved."))
            return redirect(person)
    ctx = {"form": form, "title": _("Edit: %(person)s") % {"person": person}}
    return render(request, "cases/beneficiary_form.html", ctx)


legal = RecordPages(
    "legal",
    LegalOrientationCase,
    LegalOrientationCaseForm,
    LegalOrientationCaseFilterForm,
    rows=CounsellingSessionFormSet,
    form_template="cases/case_form.html",
    related=("beneficiary",),
    resource=LegalCaseResource,
)
avr = RecordPages(
    "avr",
    AVRCase,
    AVRCaseForm,
    AVRCaseFilterForm,
    rows=FamilyMemberFormSet,
    form_template="cases/case_form.html",
    related=("principal",),
    resource=AVRCaseResource,
)
