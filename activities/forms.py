from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import CommunicationReach
from iompanama.forms import DateInput, RecordFilterForm, RecordForm


class CommunicationReachForm(RecordForm):
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
    own_filters = ("channel",)
