from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from cases.forms import (
    AVRCaseFilterForm,
    AVRCaseForm,
    BeneficiaryFilterForm,
    BeneficiaryForm,
    CounsellingSessionFormSet,
    DuplicateDecisionForm,
    FamilyMemberFormSet,
    LegalOrientationCaseFilterForm,
    LegalOrientationCaseForm,
)
from cases.models import (
    AVRCase,
    Beneficiary,
    LegalOrientationCase,
    PersonMerge,
    PossibleDuplicate,
    person_label,
)
from cases.resources import AVRCaseResource, BeneficiaryResource, LegalCaseResource
from iompanama import records
from iompanama.access import (
    get_record_for_user,
    may_enter_records,
    may_import,
    require_duplicate_review,
    require_record_entry,
    require_record_viewing,
)
from iompanama.files import views as files
from iompanama.history import history_entries
from iompanama.models import (
    InvalidTransition,
    PeriodLocked,
    PersonalDataAccess,
    ReviewRefused,
    StaleRecord,
)
from iompanama.records import RecordPages


def beneficiary_list(request: HttpRequest) -> HttpResponse:
    require_record_viewing(request.user, Beneficiary)
    form, people = files.filtered_records(request, Beneficiary, BeneficiaryFilterForm)
    ctx = {
        "form": form,
        **records.paginate(request, people.current().select_related("site")),
        "may_create": may_enter_records(request.user, Beneficiary),
        "may_export": request.user.is_administrator,
        "may_import": may_import(request.user, Beneficiary),
        "may_review_duplicates": request.user.has_perm("iompanama.review_records"),
    }
    return render(request, "cases/beneficiary_list.html", ctx)


PEOPLE_FOUND = 20  # at a time: enough to choose from on a phone screen


def people_search(request: HttpRequest) -> JsonResponse:
    """The people the person may name on a case whose names or document contain what was
    typed, for the person picker of the case forms."""
    require_record_viewing(request.user, Beneficiary)
    text = request.GET.get("q", "").strip()[:100]
    people = Beneficiary.objects.nameable_by(request.user).search(text) if len(text) >= 2 else []
    results = [
        {"value": person.pk, "text": person.choice_label()} for person in people[:PEOPLE_FOUND]
    ]
    return JsonResponse({"results": results})


@gzip_page  # no secret and nothing of the request in it: compressing it reveals nothing
def people_offline(request: HttpRequest) -> JsonResponse:
    """Every person of the user's sites who may be named on a case (not a merged record), for
    the person picker without a connection; only for those who enter cases. The service worker
    keeps it a day: at a site of 60,000 people, 4.7 MB (0.5 MB compressed), made from the
    labels' columns alone."""
    require_record_entry(request.user, LegalOrientationCase)
    people = (
        Beneficiary.objects.for_user(request.user)
        .current()
        .order_by("sort_key", "pk")
        .values_list(*Beneficiary.CHOICE_LABEL_FIELDS)
    )
    results = [{"value": person[0], "text": person_label(*person)} for person in people]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response


def beneficiary_export(request: HttpRequest, file_format: str) -> HttpResponse:
    return files.record_export(
        request, Beneficiary, BeneficiaryFilterForm, BeneficiaryResource, file_format
    )


def beneficiary_import(request: HttpRequest) -> HttpResponse:
    return files.record_import(request, Beneficiary, BeneficiaryResource)


def beneficiary_import_template(request: HttpRequest) -> HttpResponse:
    return files.import_template(request, Beneficiary, BeneficiaryResource)


def beneficiary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_record_for_user(request.user, Beneficiary, pk)
    if person.merged_into_id:
        # A tombstone: old links and exported numbers lead to the record kept.
        messages.info(
            request,
            _("Record no. %(number)s was merged into this one: they are the same person.")
            % {"number": person.pk},
        )
        return redirect(person.merged_into)
    PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, person)
    visible_cases = {
        model: model.objects.for_user(request.user).involving(person).select_related("site")
        for model in (LegalOrientationCase, AVRCase)
    }
    ctx = {
        "person": person,
        "may_edit": person.may_edit(request.user),
        "legal_cases": visible_cases[LegalOrientationCase],
        "avr_cases": visible_cases[AVRCase].select_related("principal"),
        "history": history_entries(person, steps=person.merge_steps()),
        "to_decide": request.user.has_perm("iompanama.review_records")
        and PossibleDuplicate.objects.for_user(request.user).involving(person).to_decide().exists(),
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
            if PossibleDuplicate.objects.involving(person).to_decide().exists():
                messages.warning(
                    request,
                    _(
                        "This person may be the same person as another record: a supervisor "
                        "will decide in the possible duplicates."
                    ),
                )
            return redirect(person)
    ctx = {"form": form, "title": _("Edit: %(person)s") % {"person": person}}
    return render(request, "cases/beneficiary_form.html", ctx)


PAIRS_SHOWN = 50  # at a time, oldest first: each is decided on its own


def duplicate_queue(request: HttpRequest) -> HttpResponse:
    """Pairs of records that may be one person, to decide; merges and undos proposed, for a
    second person to review; and merges in force, whose undo can be asked for until their
    period is locked."""
    require_duplicate_review(request.user)
    pairs = (
        PossibleDuplicate.objects.for_user(request.user)
        .to_decide()
        .select_related("first__site", "second__site")
    )
    merges = (
        PersonMerge.objects.for_user(request.user)
        .select_related("kept__site", "merged__site")
        .with_steps()
    )
    ctx = {
        "pairs": pairs[:PAIRS_SHOWN],
        "pairs_waiting": pairs.count(),
        "proposed": merges.awaiting_review(),
        "in_force": merges.in_force()[:PAIRS_SHOWN],
    }
    return render(request, "cases/duplicate_queue.html", ctx)


@require_POST
def duplicate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_duplicate_review(request.user)
    pair = get_record_for_user(request.user, PossibleDuplicate, pk, to="review")
    form = DuplicateDecisionForm(request.POST, pair=pair)
    if not form.is_valid():
        messages.error(request, _("Choose: different people, or which record to keep."))
        return redirect("cases:duplicate_queue")
    kept = form.kept()
    try:
        if kept is None:
            pair.decide_different(by=request.user)
            messages.success(
                request, _("Recorded: different people. They will not be proposed again.")
            )
        else:
            PersonMerge.propose(pair, kept=kept, by=request.user)
            messages.success(
                request, _("Merge proposed: it takes effect when another person approves it.")
            )
    except InvalidTransition:
        messages.error(request, _("Someone decided about these records meanwhile. Look again."))
    except ReviewRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("cases:duplicate_queue")


def _merge_step(request: HttpRequest, pk: int, action: str, done: str) -> HttpResponse:
    require_duplicate_review(request.user)
    merge = get_record_for_user(request.user, PersonMerge, pk, to="review")
    try:
        getattr(merge, action)(by=request.user)
    except (ReviewRefused, PeriodLocked) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
    return redirect("cases:duplicate_queue")


@require_POST
def merge_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _merge_step(request, pk, "approve", _("Approved: it has taken effect."))


@require_POST
def merge_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _merge_step(request, pk, "reject", _("Rejected: nothing has changed."))


@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    return _merge_step(
        request, pk, "propose_undo", _("Undo proposed: it takes effect when another approves it.")
    )


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
