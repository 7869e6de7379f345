from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from activities import kobo
from activities.kobo import read_xlsform
from activities.models import (
    CommunicationReach,
    Donation,
    DonationItem,
    Donor,
    FlowByNationality,
    KoboForm,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyResponse,
    SurveyRound,
    TrainingSession,
    TrainingTopic,
)
from iompanama.files.imports import UnreadableFile
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


class KoboFormForm(forms.ModelForm):
    """A KoboToolbox form to map: its name, where its rounds are, and its XLSForm."""

    xlsform = forms.FileField(
        label=_("XLSForm"),
        help_text=_("The form's definition: in KoboToolbox, the form's “Download XLS”."),
    )

    class Meta:
        model = KoboForm
        fields = ["name", "site", "provinces"]
        help_texts = {
            "site": _("Where its rounds are entered."),
            "provinces": _("The provinces of its rounds."),
        }

    def clean_xlsform(self) -> dict:
        try:
            return read_xlsform(self.cleaned_data["xlsform"].read())
        except UnreadableFile as error:
            raise forms.ValidationError(str(error)) from None


class KoboMappingForm(forms.Form):
    """Which question of the form fills each of our fields, and which code each choice of
    those questions is: a field per target, and one per choice of the questions mapped."""

    sample = forms.FileField(
        label=_("An export to preview"),
        required=False,
        help_text=_("Its first rows are shown as they would be imported; it is not kept."),
    )

    def __init__(self, *args, kobo_form: KoboForm, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kobo_form = kobo_form
        mapping = kobo_form.mapping
        found = kobo.questions(kobo_form.form)
        options = [("", "—"), *((name, _question_title(q)) for name, q in found.items())]
        for target in kobo.TARGETS:
            self.fields[f"q_{target}"] = forms.ChoiceField(
                label=capfirst(_target_label(target)),
                choices=options,
                required=target in REQUIRED_TARGETS,
                initial=mapping.get("questions", {}).get(target, ""),
            )
        said = _choice_labels(kobo_form.form)
        for name, codes in mapping.get("choices", {}).items():
            target = next(t for t, q in mapping["questions"].items() if q == name)
            for choice, code in codes.items():
                field_name = f"c_{name}|{choice}"
                label = f"{name}: {choice} ({said[name].get(choice) or choice})"
                if target == "nationality":
                    self.fields[field_name] = forms.CharField(
                        label=label, required=False, initial=code, max_length=60
                    )
                else:
                    self.fields[field_name] = forms.ChoiceField(
                        label=label, choices=_codes(target), required=False, initial=code
                    )

    def target_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("q_")]

    def choice_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("c_")]

    def chosen(self) -> dict[str, str]:
        return {t: self.cleaned_data[f"q_{t}"] for t in kobo.TARGETS}

    def choices(self) -> dict[str, dict[str, str]]:
        codes: dict[str, dict[str, str]] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("c_"):
                question, _sep, choice = name[2:].partition("|")
                codes.setdefault(question, {})[choice] = value or ""
        return codes


# Without these the rows cannot be imported; the others may stay empty.
REQUIRED_TARGETS = {"respondent_id", "date", "main_source", "sex", "age_group", "nationality"}


def _target_label(target: str) -> str:
    if target == "date":
        return _("date of the submission (its month is the round's)")
    return SurveyResponse._meta.get_field(target).verbose_name


def _choice_labels(form: dict) -> dict[str, dict[str, str]]:
    """Each choice's first label, by question and choice name: what the administrator reads."""
    return {
        question["name"]: {
            choice["name"]: (choice["labels"] or [""])[0]
            for choice in form["choices"].get(question["list"], [])
        }
        for question in form["questions"]
    }


def _question_title(question: kobo.Question) -> str:
    return f"{question.name} ({question.kind})"


def _codes(target: str) -> list[tuple[str, str]]:
    field = SurveyResponse._meta.get_field(target)
    return [("", _("Left empty")), *field.choices]
