from django.http import HttpRequest, HttpResponse

from activities.forms import CommunicationReachFilterForm, CommunicationReachForm
from activities.models import CommunicationReach
from iompanama import records


def reach_list(request: HttpRequest) -> HttpResponse:
    return records.record_list(
        request, CommunicationReach, CommunicationReachFilterForm, "activities/reach_list.html"
    )


def reach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return records.record_detail(request, CommunicationReach, pk, "activities/reach_detail.html")


def reach_create(request: HttpRequest) -> HttpResponse:
    return records.record_create(
        request, CommunicationReach, CommunicationReachForm, "records/form.html"
    )


def reach_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return records.record_edit(
        request, CommunicationReach, pk, CommunicationReachForm, "records/form.html"
    )
