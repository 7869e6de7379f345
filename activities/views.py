from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest

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
from iompanama.access import get_record_for_user
from iompanama.models import Reviewable
from iompanama.records import RecordPages

reach = RecordPages(
    "reach", CommunicationReach, CommunicationReachForm, CommunicationReachFilterForm
)
medical = RecordPages("medical", MedicalAttentionTally, MedicalAttentionTallyForm)
flow = RecordPages(
    "flow", MigrationFlowStatistic, MigrationFlowStatisticForm, rows=FlowByNationalityFormSet
)
donation = RecordPages(
    "donation",
    Donation,
    DonationForm,
    DonationFilterForm,
    rows=DonationItemFormSet,
    related=("donor",),
)
training = RecordPages("training", TrainingSession, TrainingSessionForm, TrainingSessionFilterForm)
survey = RecordPages(
    "survey", SurveyRound, SurveyRoundForm, SurveyRoundFilterForm, rows=SurveyResponseFormSet
)


def donation_receipt(request: HttpRequest, pk: int) -> FileResponse:
    return _document(request, Donation, pk, "receipt")


def training_sheet(request: HttpRequest, pk: int) -> FileResponse:
    return _document(request, TrainingSession, pk, "attendance_sheet")


def _document(request: HttpRequest, model: type[Reviewable], pk: int, field: str) -> FileResponse:
    """An uploaded document of a record, to those who may see the record."""
    document = getattr(get_record_for_user(request.user, model, pk), field)
    if not document:
        raise Http404
    return FileResponse(document.open("rb"), as_attachment=True, filename=Path(document.name).name)
