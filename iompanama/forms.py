import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from iompanama.models import ReviewStatus, Site, User
from iompanama.validators import in_date_range


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
    limited to the person's own, and the version they saw."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_for(user)
        self.fields["seen_version"].initial = self.instance.version


class RowForm(forms.ModelForm):
    """A row entered under a record (item line, respondent, family member). It knows who enters
    it, so that a row can offer only what that person may choose."""

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


class RecordRows(forms.BaseInlineFormSet):
    """The rows of a record, edited in the record's own form; `title` heads them."""

    title: str


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
        lookups = {
            "site": data["site"],
            "status": data["status"],
            f"{date}__gte": data["date_from"],
            f"{date}__lte": data["date_to"],
        }
        lookups |= {name: data[name] for name in self.own_filters}
        records = records.filter(**{key: value for key, value in lookups.items() if value})
        return records.distinct() if "__" in date else records


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say what the author must correct."))
        return reason
