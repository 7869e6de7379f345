from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cases.models import (
    AVRCase,
    AVRFamilyMember,
    Beneficiary,
    CounsellingSession,
    LegalOrientationCase,
    LegalTopics,
    PossibleDuplicate,
)
from iompanama.forms import (
    DateInput,
    RecordFilterForm,
    RecordForm,
    RecordRows,
    RowForm,
    sites_for,
)
from iompanama.models import User


def _nationality_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Nationality"), choices=[("", _("Any")), *countries], required=False
    )


def _search_field() -> forms.CharField:
    return forms.CharField(label=_("Name or document"), required=False, max_length=100, strip=True)


class PersonSelect(forms.Select):
    """A person field that lists nobody but the person chosen: the page stays small however
    many people a site serves, and Tom Select (person-picker.js) finds the others as one types,
    through `cases:people_search`."""

    def __init__(self, attrs: dict | None = None) -> None:
        search = {
            "data-person-search": reverse_lazy("cases:people_search"),
            "data-placeholder": _("Type part of a name or document"),
            "data-no-results": _("Nobody of your area matches."),
        }
        super().__init__(search | (attrs or {}))

    def optgroups(self, name, value, attrs=None):
        everyone = self.choices
        chosen = [pk for pk in value if str(pk).isdigit()]
        people = everyone.queryset.filter(pk__in=chosen) if chosen else []
        self.choices = [("", "---------"), *(everyone.choice(person) for person in people)]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everyone


def _offer_people(field: forms.ModelChoiceField, user: User) -> None:
    """The people of the person's areas, told apart by more than their names, found by typing."""
    # Tom Select labels its own input; the select it hides keeps a name of its own too.
    field.widget = PersonSelect({"aria-label": field.label})
    field.queryset = Beneficiary.objects.nameable_by(user)
    field.label_from_instance = Beneficiary.choice_label


class BeneficiaryForm(RecordForm):
    """A person's data. A new person is saved only when no likely duplicate exists, or when
    the one entering them says that it is a different person."""

    entered_today = ("consent_date",)

    not_a_duplicate = forms.BooleanField(
        label=_("This is a different person: save anyway"),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Beneficiary
        fields = [
            "site",
            "given_names",
            "family_names",
            "sex",
            "date_of_birth",
            "estimated_age",
            "nationality",
            "residence_country",
            "document_type",
            "document_number",
            "phone",
            *Beneficiary.VULNERABILITY_FIELDS,
            "consent_given",
            "consent_date",
            "consent_taken_by",
        ]
        widgets = {
            "date_of_birth": DateInput,
            "consent_date": DateInput,
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.user = user
        self.duplicates: list[Beneficiary] = []
        self.hidden_duplicates = 0
        sites = self.fields["site"].queryset
        self.fields["consent_given"].required = True
        self.fields["consent_taken_by"].queryset = User.objects.filter(
            Q(pk=user.pk) | Q(sites__in=sites), is_active=True
        ).distinct()
        self.fields["consent_taken_by"].initial = user.pk
        if self.instance.pk:
            del self.fields["not_a_duplicate"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk is None:
            self._check_for_duplicates(cleaned)
        return cleaned

    def _check_for_duplicates(self, cleaned: dict) -> None:
        candidate = Beneficiary(
            given_names=cleaned.get("given_names", ""),
            family_names=cleaned.get("family_names", ""),
            date_of_birth=cleaned.get("date_of_birth"),
            estimated_age=cleaned.get("estimated_age"),
            consent_date=cleaned.get("consent_date"),
            nationality=cleaned.get("nationality", ""),
            document_type=cleaned.get("document_type", ""),
            document_number=cleaned.get("document_number", ""),
        )
        candidate.update_keys()
        duplicates = Beneficiary.objects.likely_duplicates_of(candidate)
        self.duplicates = list(duplicates.for_user(self.user).select_related("site"))
        # People of sites this person does not work at are counted, never shown.
        self.hidden_duplicates = duplicates.count() - len(self.duplicates)
        if (self.duplicates or self.hidden_duplicates) and not cleaned.get("not_a_duplicate"):
            self.fields["not_a_duplicate"].widget = forms.CheckboxInput()
            self.add_error(
                "not_a_duplicate",
                _(
                    "This person may already be registered. Open the record shown to check it, "
                    "or tick this box if it is a different person: a supervisor will then "
                    "decide whether the two records are one person."
                ),
            )


class SortedListForm(forms.Form):
    """A list's sort order, chosen among `orderings` (order_by value, label) after the
    default one, named `default_order`."""

    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    default_order = _("Newest first")
    orderings: list[tuple[str, str]] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [("", self.default_order), *self.orderings]
        self.fields["sort"] = self.fields.pop("sort")  # after the filters

    def in_order(self, rows):
        return rows.order_by(self.cleaned_data["sort"], "pk") if self.cleaned_data["sort"] else rows


class BeneficiaryFilterForm(SortedListForm):
    q = _search_field()
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False)
    nationality = _nationality_field()
    default_order = _("Family names")
    orderings = [("-created_at", _("Newest registered first")), ("given_names", _("Given names"))]

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        self.fields["site"].queryset = sites_for(user)

    def filter(self, people):
        if not self.is_valid():
            return people.none()
        data = self.cleaned_data
        if data["q"]:
            people = people.search(data["q"])
        if data["site"]:
            people = people.filter(site=data["site"])
        if data["nationality"]:
            people = people.filter(nationality=data["nationality"])
        return self.in_order(people)


class CaseFilterForm(SortedListForm, RecordFilterForm):
    """The filters of every case list: those of all records, plus the person's nationality,
    a search by their name or document, and the order."""

    nationality = _nationality_field()
    q = _search_field()

    def filter(self, records):
        records = super().filter(records)
        if not self.is_valid():
            return records
        if self.cleaned_data["nationality"]:
            records = records.of_nationality(self.cleaned_data["nationality"])
        if self.cleaned_data["q"]:
            records = records.matching(self.cleaned_data["q"])
        return self.in_order(records)


class LegalOrientationCaseFilterForm(CaseFilterForm):
    other_dates = (("sessions__date", _("Counselling session")),)
    orderings = [
        ("opened_on", _("Oldest first")),
        ("beneficiary__sort_key", _("Family names")),
    ]
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("Any")), *LegalTopics.Topic.choices], required=False
    )

    def filter(self, records):
        records = super().filter(records)
        if self.is_valid() and self.cleaned_data["topic"]:
            records = records.on_topic(self.cleaned_data["topic"])
        return records


class AVRCaseFilterForm(CaseFilterForm):
    other_dates = (("departure_date", _("Departure")),)
    orderings = [
        ("orientation_date", _("Oldest first")),
        ("principal__sort_key", _("Family names")),
        ("return_country", _("Country of return")),
    ]
    stage = forms.ChoiceField(
        label=_("Stage reached"), choices=[("", _("Any")), *AVRCase.Stage.choices], required=False
    )

    def filter(self, records):
        records = super().filter(records)
        if self.is_valid() and self.cleaned_data["stage"]:
            records = records.at_stage(self.cleaned_data["stage"])
        return records


class CaseForm(RecordForm):
    """A case: the people offered are those of the person's sites."""

    beneficiary_fields: tuple[str, ...] = ()

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        for name in self.beneficiary_fields:
            _offer_people(self.fields[name], user)


class LegalOrientationCaseForm(CaseForm):
    entered_today = ("opened_on",)
    beneficiary_fields = ("beneficiary",)

    class Meta:
        model = LegalOrientationCase
        fields = [
            "site",
            "beneficiary",
            "opened_on",
            *LegalTopics.TOPIC_FIELDS,
            "outcome",
            "follow_up_date",
            "is_closed",
        ]
        widgets = {
            "opened_on": DateInput,
            "follow_up_date": DateInput,
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }


class BaseCounsellingSessionFormSet(RecordRows):
    title = _("Counselling sessions")

    @classmethod
    def new_rows(cls, user: User) -> list[dict]:
        """The first session is usually the day the case opens, with the person's counsellor."""
        last = (
            CounsellingSession.objects.filter(case__created_by=user)
            .order_by("-pk")
            .values_list("counsellor", flat=True)
            .first()
        )
        return [{"date": timezone.localdate(), "counsellor": last or ""}]


CounsellingSessionFormSet = forms.inlineformset_factory(
    LegalOrientationCase,
    CounsellingSession,
    form=RowForm,
    formset=BaseCounsellingSessionFormSet,
    fields=["date", *LegalTopics.TOPIC_FIELDS, "counsellor", "notes"],
    widgets={"date": DateInput, "notes": forms.Textarea(attrs={"rows": 2})},
    extra=0,
    min_num=1,
    validate_min=True,
)


class AVRCaseForm(CaseForm):
    entered_today = ("orientation_date",)
    beneficiary_fields = ("principal",)

    class Meta:
        model = AVRCase
        fields = [
            "site",
            "principal",
            "return_country",
            *AVRCase.STAGE_FIELDS,
            "withdrawn_on",
            "withdrawal_reason",
        ]
        widgets = {
            **{name: DateInput for name in [*AVRCase.STAGE_FIELDS, "withdrawn_on"]},
            "withdrawal_reason": forms.Textarea(attrs={"rows": 2}),
        }


class FamilyMemberForm(RowForm):
    class Meta:
        model = AVRFamilyMember
        fields = ["beneficiary", "relationship"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_people(self.fields["beneficiary"], self.user)


class BaseFamilyFormSet(RecordRows):
    title = _("Family members returning")


FamilyMemberFormSet = forms.inlineformset_factory(
    AVRCase,
    AVRFamilyMember,
    form=FamilyMemberForm,
    formset=BaseFamilyFormSet,
    extra=0,
)


class DuplicateDecisionForm(forms.Form):
    """Different people, or the same person keeping one of the two records."""

    DIFFERENT = "different"
    decision = forms.ChoiceField(choices=[])

    def __init__(self, data, *, pair: PossibleDuplicate) -> None:
        super().__init__(data)
        self.pair = pair
        self.fields["decision"].choices = [
            (self.DIFFERENT, _("Different people")),
            *((str(person.pk), person) for person in (pair.first, pair.second)),
        ]

    def kept(self) -> Beneficiary | None:
        """The record to keep, when the decision is that both are one person."""
        chosen = self.cleaned_data["decision"]
        return None if chosen == self.DIFFERENT else self.pair.person(int(chosen))
