from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from activities.forms import (
    CommunicationReachFilterForm,
    CommunicationReachForm,
    DonationFilterForm,
    DonationForm,
    DonationItemFormSet,
    FlowByNationalityFormSet,
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
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyRound,
    TrainingSession,
)
from activities.resources import (
    DonationResource,
    FlowResource,
    MedicalResource,
    ReachResource,
    SurveyResponseResource,
    SurveyRoundResource,
    TrainingResource,
)
from iompanama import transfers
from iompanama.access import get_record_for_user
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

    return transfers.run_import(
        request, make_resource, survey.get_absolute_url(), title, may_approve=False
    )
