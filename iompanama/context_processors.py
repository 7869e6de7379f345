from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from iompanama.access import reviewable_models
from iompanama.offline import offline_config


def navigation(request: HttpRequest) -> dict:
    """What the menu on every page offers: the people served and the record lists."""
    # Absent on an error page for a request refused before the user is known (a bad Host).
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or not (user.works_at_sites or user.is_administrator)
    ):
        return {"nav_records": [], "nav_people": None}
    return {
        "nav_people": (_("Beneficiaries"), reverse("cases:beneficiary_list")),
        "nav_records": [
            (model._meta.verbose_name_plural, model.list_url())
            for model in reviewable_models().values()
        ],
    }


def offline(request: HttpRequest) -> dict:
    """What offline.js needs on every page of a signed-in user: where the service worker and the
    outbox are, which pages to keep on the device, and its words in the user's language."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"offline_config": offline_config(user)}
