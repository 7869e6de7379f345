from django import forms
from django.utils.translation import gettext_lazy as _

from iompanama.forms import DateInput
from iompanama.validators import in_date_range
from reports.models import WARNINGS


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput, validators=[in_date_range])
    end = forms.DateField(label=_("To"), widget=DateInput, validators=[in_date_range])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data


class PublishForm(PeriodForm):
    """Confirms a preview: the warnings acknowledged, and a correction's reason."""

    acknowledged = forms.MultipleChoiceField(
        label=_("I have read these warnings"),
        choices=list(WARNINGS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Readers of this version and of the one it corrects see it."),
    )
