from pathlib import Path

import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from activities.forms import (
    CommunicationReachFilterForm,
    CommunicationReachForm,
    DonationFilterForm,
    DonationForm,
    DonationItemFormSet,
    FlowByNationalityFormSet,
    KoboFormForm,
    KoboMappingForm,
    MedicalAttentionTallyForm,
    MigrationFlowStatisticForm,
    SurveyResponseFormSet,
    SurveyRoundFilterForm,
    SurveyRoundForm,
    TrainingSessionFilterForm,
    TrainingSessionForm,
)
from activities.models import (
    CommunicationReach,
    Donation,
    KoboForm,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyRound,
    TrainingSession,
)
from activities.resources import (
    DonationResource,
    FlowResource,
    KoboResponseResource,
    MedicalResource,
    ReachResource,
    SurveyResponseResource,
    SurveyRoundResource,
    TrainingResource,
)
from iompanama.access import get_record_for_user, may_import
from iompanama.files import views as files
from iompanama.files.imports import UnreadableFile, read_table
from iompanama.models import PersonalDataAccess, Reviewable
from iompanama.records import RecordPages

reach = RecordPages(
    "reach",
    CommunicationReach,
    CommunicationReachForm,
    CommunicationReachFilterForm,
    resource=ReachResource,
)
medical = RecordPages(
    "medical", MedicalAttentionTally, MedicalAttentionTallyForm, resource=MedicalResource
)
flow = RecordPages(
    "flow",
    MigrationFlowStatistic,
    MigrationFlowStatisticForm,
    rows=FlowByNationalityFormSet,
    resource=FlowResource,
)
donation = RecordPages(
    "donation",
    Donation,
    DonationForm,
    DonationFilterForm,
    rows=DonationItemFormSet,
    related=("donor",),
    resource=DonationResource,
)
training = RecordPages(
    "training",
    TrainingSession,
    TrainingSessionForm,
    TrainingSessionFilterForm,
    resource=TrainingResource,
)
survey = RecordPages(
    "survey",
    SurveyRound,
    SurveyRoundForm,
    SurveyRoundFilterForm,
    rows=SurveyResponseFormSet,
    resource=SurveyRoundResource,
)


def donation_receipt(request: HttpRequest, pk: int) -> FileResponse:
    return _document(request, Donation, pk, "receipt")


def training_sheet(request: HttpRequest, pk: int) -> FileResponse:
    return _document(request, TrainingSession, pk, "attendance_sheet")


def _document(request: HttpRequest, model: type[Reviewable], pk: int, field: str) -> FileResponse:
    """An uploaded document of a record, to those who may see the record."""
    record = get_record_for_user(request.user, model, pk)
    document = getattr(record, field)
    if not document:
        raise Http404
    # Scans of paper: an attendance sheet names and signs every participant.
    PersonalDataAccess.record(request, PersonalDataAccess.Action.DOWNLOAD, record)
    return FileResponse(document.open("rb"), as_attachment=True, filename=Path(document.name).name)


def survey_respondents_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Respondent rows from the survey tool's export, into a round the person may edit."""
    survey = get_record_for_user(request.user, SurveyRound, pk, to="edit")
    title = _("Import respondents: %(round)s") % {"round": survey}

    def make_resource(user, approve: bool) -> SurveyResponseResource:
        return SurveyResponseResource(user, round=survey)

    return files.run_import(
        request, make_resource, survey.get_absolute_url(), title, may_approve=False
    )


def kobo_forms(request: HttpRequest) -> HttpResponse:
    """The KoboToolbox forms whose exports import as they come: to import one, and (for
    administrators) to add a form and map it."""
    if not may_import(request.user, SurveyRound):
        raise PermissionDenied
    admin = request.user.is_administrator
    form = KoboFormForm(request.POST or None, request.FILES or None) if admin else None
    if request.method == "POST":
        if not admin:
            raise PermissionDenied
        if form.is_valid():
            kobo_form = form.save(commit=False)
            kobo_form.form = form.cleaned_data["xlsform"]
            kobo_form.save()
            form.save_m2m()
            kobo_form.remap({"respondent_id": "_uuid", "date": "_submission_time"})
            messages.success(request, _("Form added: map its questions now."))
            return redirect(kobo_form)
    forms_seen = KoboForm.objects.select_related("site")
    ctx = {
        "title": _("KoboToolbox forms"),
        "kobo_forms": [(k, k.may_import(request.user)) for k in forms_seen],
        "form": form,
    }
    return render(request, "activities/kobo_forms.html", ctx)


def kobo_form(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator maps a form's questions and choices once; an export's first rows
    show what an import of it would be."""
    kobo_form = _get_kobo_form(request.user, pk)
    if not request.user.is_administrator:
        raise PermissionDenied
    form = KoboMappingForm(request.POST or None, request.FILES or None, kobo_form=kobo_form)
    ctx = {"title": kobo_form.name, "kobo_form": kobo_form, "form": form}
    if request.method == "POST" and form.is_valid():
        kobo_form.remap(form.chosen(), form.choices())
        messages.success(request, _("Mapping saved."))
        sample = form.cleaned_data["sample"]
        if not sample:
            return redirect(kobo_form)
        ctx |= {
            "form": KoboMappingForm(kobo_form=kobo_form),
            "preview": _kobo_preview(kobo_form, sample),
        }
    return render(request, "activities/kobo_form.html", ctx)


def _kobo_preview(kobo_form: KoboForm, sample) -> dict:
    """The first rows of an export as the mapping reads them, or why it cannot."""
    try:
        dataset = read_table(sample.name, sample.read())
        first = tablib.Dataset(*dataset[: files.PREVIEW_ROWS], headers=dataset.headers)
        rows, rejected = kobo_form.export().convert(first)
    except UnreadableFile as error:
        return {"problem": str(error)}
    return {"headers": rows.headers, "rows": [list(row) for row in rows], "rejected": rejected}


def kobo_import(request: HttpRequest, pk: int) -> HttpResponse:
    """A KoboToolbox export of a mapped form, as it comes, into the rounds of its months."""
    kobo_form = _get_kobo_form(request.user, pk)
    if not kobo_form.may_import(request.user):
        raise PermissionDenied
    title = _("Import a KoboToolbox export: %(form)s") % {"form": kobo_form}

    def make_resource(user, approve: bool) -> KoboResponseResource:
        return KoboResponseResource(user, form=kobo_form)

    return files.run_import(
        request, make_resource, SurveyRound.list_url(), title, may_approve=False
    )


def _get_kobo_form(user, pk: int) -> KoboForm:
    """A mapped form, for those who import rounds (404 to others: they have no use for it)."""
    if not may_import(user, SurveyRound):
        raise Http404
    try:
        return KoboForm.objects.get(pk=pk)
    except KoboForm.DoesNotExist:
        raise Http404 from None
