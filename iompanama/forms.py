import datetime
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iompanama.models import ReviewStatus, Site, User
from iompanama.validators import (
    DOCUMENT_MAX_BYTES,
    document_too_large,
    in_date_range,
    validate_document,
)


class DateInput(forms.DateInput):
    """The phone's own date picker."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    """The browser's month picker, which posts "2023-09"."""

    input_type = "month"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month, kept as its first day; takes "2023-09" or any date of the month."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value) -> datetime.date | None:
        date = super().to_python(value)
        return date.replace(day=1) if date else None


def sites_for(user: User):
    sites = Site.objects.filter(is_active=True)
    return sites if user.is_administrator else sites.filter(pk__in=user.site_ids)


class RecordForm(forms.ModelForm):
    """Base of every form of a row with a site and a version (records, beneficiaries): sites
    limited to the person's own, the version they saw and, on a new row, the form's one-time
    token, so that posting the same form twice makes one row."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    intent = forms.UUIDField(widget=forms.HiddenInput, required=False)

    # Dates that are usually the day of entry: a new form offers today.
    entered_today: tuple[str, ...] = ()

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_for(user)
        self.fields["seen_version"].initial = self.instance.version
        for field in self._meta.model._meta.concrete_fields:
            if validate_document in field.validators and field.name in self.fields:
                self.fields[field.name].widget.attrs.update(
                    {"data-max-bytes": DOCUMENT_MAX_BYTES, "data-too-large": document_too_large()}
                )
        if self.instance.pk:
            del self.fields["intent"]
        else:
            self.fields["intent"].initial = uuid.uuid4()
            if not self.is_bound:
                self._offer_defaults(user)

    def _offer_defaults(self, user: User) -> None:
        """The site of the person's last entry of this kind, or their only site; today."""
        sites = set(self.fields["site"].queryset.values_list("pk", flat=True))
        last = (
            self._meta.model.objects.filter(created_by=user)
            .order_by("-pk")
            .values_list("site", flat=True)
            .first()
        )
        if last in sites:
            self.initial.setdefault("site", last)
        elif len(sites) == 1:
            self.initial.setdefault("site", next(iter(sites)))
        for name in self.entered_today:
            self.initial.setdefault(name, timezone.localdate())

    def clean_intent(self) -> uuid.UUID | None:
        self.instance.intent = self.cleaned_data["intent"]
        return self.instance.intent


class RowForm(forms.ModelForm):
    """A row entered under a record (item line, respondent, family member). It knows who enters
    it, so that a row can offer only what that person may choose."""

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


class RecordRows(forms.BaseInlineFormSet):
    """The rows of a record, edited in the record's own form; `title` heads them. The rules
    between a record and its rows are the record's `check_line`, which imports use too."""

    title: str

    @classmethod
    def new_rows(cls, user: User) -> list[dict]:
        """What the first rows of a new record offer (the person's usual counsellor)."""
        return []

    def clean(self) -> None:
        super().clean()
        check_line = getattr(self.instance, "check_line", None)
        if check_line is None:
            return
        earlier = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE") or form.errors:
                continue
            for name, message in check_line(form.instance, earlier).items():
                form.add_error(name, message)
            earlier.append(form.instance)


class RecordFilterForm(forms.Form):
    """Filters every record list has; a subclass adds the record's own fields as `own_filters`."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *ReviewStatus.choices], required=False
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput, validators=[in_date_range]
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DateInput, validators=[in_date_range]
    )
    own_filters: tuple[str, ...] = ()
    # Other dates of the record the From/To range may apply to, as (lookup, label).
    other_dates: tuple[tuple[str, str], ...] = ()

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        self.fields["site"].queryset = sites_for(user)
        if self.other_dates:
            self.fields["dates_of"] = forms.ChoiceField(
                label=_("Dates of"),
                choices=[("", _("The record's date")), *self.other_dates],
                required=False,
            )

    def filter(self, records):
        if not self.is_valid():
            return records.none()
        data = self.cleaned_data
        date = data.get("dates_of") or records.model.period_field
        lookups = {"site": data["site"], "status": data["status"]}
        lookups |= {name: data[name] for name in self.own_filters}
        records = records.filter(**{key: value for key, value in lookups.items() if value})
        return records.dated(date, data["date_from"], data["date_to"])


class ReasonForm(forms.Form):
    """A step that needs a reason, said in words: `label` asks for it, `missing` says it lacks."""

    label: str
    missing: str
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = self.label

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.missing)
        return reason


class ReturnForm(ReasonForm):
    label = _("Reason for returning")
    missing = _("Say what the author must correct.")


class UnlockForm(ReasonForm):
    label = _("Why the published period must change")
    missing = _("Say why the published period must change.")
