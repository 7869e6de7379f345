from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import (
    CommunicationReach,
    Donation,
    DonationItem,
    Donor,
    FlowByNationality,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyResponse,
    SurveyRound,
    TrainingSession,
    TrainingTopic,
)
from iompanama.forms import (
    DateInput,
    MonthField,
    RecordFilterForm,
    RecordForm,
    RecordRows,
    RowForm,
)
from iompanama.models import Province, Site


class CommunicationReachForm(RecordForm):
    entered_today = ("date",)

    class Meta:
        model = CommunicationReach
        fields = ["site", "date", "channel", "campaign", "people_reached"]
        widgets = {"date": DateInput}


class CommunicationReachFilterForm(RecordFilterForm):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Any")), *CommunicationReach.Channel.choices],
        required=False,
    )
    media = forms.ChoiceField(
        label=_("Media"),
        choices=[("", _("Any")), ("digital", _("Digital media"))],
        required=False,
    )
    own_filters = ("channel",)

    def filter(self, records):
        records = super().filter(records)
        # The factsheet's "people reached through digital media" links here.
        if self.is_valid() and self.cleaned_data["media"] == "digital":
            records = records.digital()
        return records


class MedicalAttentionTallyForm(RecordForm):
    entered_today = ("date",)

    class Meta:
        model = MedicalAttentionTally
        fields = ["site", "date", "women_adults", "men_adults", "girls", "boys", "total_attended"]
        widgets = {"date": DateInput}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = self.fields["site"].queryset.filter(kind=Site.Kind.ETRM)


class MigrationFlowStatisticForm(RecordForm):
    class Meta:
        model = MigrationFlowStatistic
        fields = [
            "site",
            "month",
            "source",
            "publication_date",
            "crossed_total",
            "adults",
            "minors",
            "women",
            "men",
        ]
        field_classes = {"month": MonthField}
        widgets = {"publication_date": DateInput}


class BaseFlowByNationalityFormSet(RecordRows):
    title = _("By nationality (optional)")


FlowByNationalityFormSet = forms.inlineformset_factory(
    MigrationFlowStatistic,
    FlowByNationality,
    form=RowForm,
    formset=BaseFlowByNationalityFormSet,
    fields=["nationality", "crossed"],
    extra=0,
)


class DonationForm(RecordForm):
    entered_today = ("delivery_date",)

    class Meta:
        model = Donation
        fields = ["site", "delivery_date", "recipient", "donor", "receipt"]
        widgets = {"delivery_date": DateInput}


class BaseDonationItemFormSet(RecordRows):
    title = _("Item lines")
    default_error_messages = {"too_few_forms": _("Add at least one item line.")}


DonationItemFormSet = forms.inlineformset_factory(
    Donation,
    DonationItem,
    form=RowForm,
    formset=BaseDonationItemFormSet,
    fields=["category", "description", "quantity", "unit"],
    extra=0,
    min_num=1,
    validate_min=True,
)


class DonationFilterForm(RecordFilterForm):
    donor = forms.ModelChoiceField(
        label=_("Funding donor"), queryset=Donor.objects.all(), required=False
    )
    own_filters = ("donor",)


class TrainingSessionForm(RecordForm):
    entered_today = ("start_date", "end_date")

    class Meta:
        model = TrainingSession
        fields = [
            "site",
            "title",
            "start_date",
            "end_date",
            *TrainingSession.AUDIENCE_FIELDS,
            "topics",
            "women",
            "men",
            "other_or_not_stated",
            "children_adolescents",
            "adults",
            "facilitators",
            "attendance_sheet",
        ]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "topics": forms.CheckboxSelectMultiple,
        }


class TrainingSessionFilterForm(RecordFilterForm):
    topics = forms.ModelChoiceField(
        label=_("Topic"), queryset=TrainingTopic.objects.all(), required=False
    )
    own_filters = ("topics",)


class SurveyRoundForm(RecordForm):
    class Meta:
        model = SurveyRound
        fields = ["site", "month", "provinces"]
        field_classes = {"month": MonthField}
        widgets = {"provinces": forms.CheckboxSelectMultiple}


class BaseSurveyResponseFormSet(RecordRows):
    title = _("Respondents")


SurveyResponseFormSet = forms.inlineformset_factory(
    SurveyRound,
    SurveyResponse,
    form=RowForm,
    formset=BaseSurveyResponseFormSet,
    fields=[*SurveyResponse.QUESTION_FIELDS, "nationality"],
    extra=0,
)


class SurveyRoundFilterForm(RecordFilterForm):
    provinces = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.all(), required=False
    )
    own_filters = ("provinces",)
