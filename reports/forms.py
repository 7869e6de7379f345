from django import forms
from django.utils.translation import gettext_lazy as _

from iompanama.forms import DateInput
from iompanama.validators import in_date_range


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput, validators=[in_date_range])
    end = forms.DateField(label=_("To"), widget=DateInput, validators=[in_date_range])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data
