"""Working without a connection: the web app manifest, the service worker and the outbox page.

The service worker (templates/iompanama/sw.js, Workbox) keeps the static files and the pages a
field user needs: home, the outbox and the forms of the records entered in the field, plus the
people list a case may name. Forms filled offline wait in the browser (static/iompanama/
offline.js) and are posted, in order and with their one-time `intent`, when the connection is
back: the server's forms stay the only judges of what is saved.
"""

import hashlib
import json
from functools import cache

from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from iompanama.access import may_enter_records
from iompanama.models import User

# The records entered at the reception stations and on community visits (URL names of their
# forms). Flow statistics and survey rounds are imported at the office.
FIELD_FORMS = {
    "cases:beneficiary_create": "cases.Beneficiary",
    "cases:legal_create": "cases.LegalOrientationCase",
    "cases:avr_create": "cases.AVRCase",
    "activities:donation_create": "activities.Donation",
    "activities:training_create": "activities.TrainingSession",
    "activities:medical_create": "activities.MedicalAttentionTally",
    "activities:reach_create": "activities.CommunicationReach",
}
# What every page needs, kept when the service worker is installed.
APP_SHELL = [
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/tom-select/tom-select.bootstrap5.min.css",
    "vendor/tom-select/tom-select.complete.min.js",
    "iompanama/site.css",
    "iompanama/forms.js",
    "iompanama/formset.js",
    "iompanama/person-picker.js",
    "iompanama/offline.js",
    "iompanama/outbox.js",
    "iompanama/icons/icon-192.png",
]
WORKBOX = [
    f"vendor/workbox/workbox-{module}.prod.js"
    for module in ("core", "routing", "strategies", "expiration", "cacheable-response")
]
THEME_COLOR = "#0d6efd"  # Bootstrap's primary, the colour of the menu bar


@cache
def app_version() -> str:
    """Changes whenever a static file changes, so that a new service worker (and new caches) is
    installed with each release; the outbox, in IndexedDB, is not a cache and stays."""
    digest = hashlib.sha256()
    found = {
        path: storage
        for finder in finders.get_finders()
        for path, storage in finder.list(ignore_patterns=[])
    }
    for path in sorted(found):
        digest.update(path.encode())
        with found[path].open(path) as file:
            digest.update(file.read())
    return digest.hexdigest()[:12]


def offline_pages(user: User) -> list[str]:
    """The pages kept on this user's device: nothing for people who don't enter records."""
    forms = [
        name
        for name, model in FIELD_FORMS.items()
        if may_enter_records(user, apps.get_model(model))
    ]
    if not forms:
        return []
    return [reverse("home"), reverse("outbox"), *(reverse(name) for name in forms)]


@login_not_required
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest, in the language of the request (Spanish unless chosen)."""
    data = {
        "name": _("IOM Panama: field records"),
        "short_name": _("IOM Panama"),
        "description": _("Records of IOM Panama's services, entered with or without a connection."),
        "lang": get_language(),
        "dir": "ltr",
        "id": "/",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": "#ffffff",
        "icons": [
            {
                "src": static(f"iompanama/icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ]
        + [
            {
                "src": static("iompanama/icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@login_not_required
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so that its scope is the whole app; never cached by HTTP, so that
    a new release is found on the next visit."""
    pages = [reverse("home"), reverse("outbox"), *map(reverse, FIELD_FORMS)]
    ctx = {
        "version": app_version(),
        "workbox": [static(name) for name in WORKBOX],
        "shell_json": json.dumps([static(name) for name in APP_SHELL]),
        "pages_json": json.dumps(pages),
        "lists_json": json.dumps([reverse("cases:people_offline")]),
        "static_prefix": static(""),
        "outbox": reverse("outbox"),
    }
    response = render(request, "iompanama/sw.js", ctx, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


def outbox(request: HttpRequest) -> HttpResponse:
    """The records waiting on this device; the list itself is drawn by outbox.js."""
    return render(request, "iompanama/outbox.html", {"title": _("Waiting to send")})


def offline_config(user: User) -> dict:
    """Read by offline.js from a JSON script element (no inline script runs)."""
    pages = offline_pages(user)
    return {
        "user": user.pk,
        "version": app_version(),
        "serviceWorker": reverse("service_worker"),
        "outbox": reverse("outbox"),
        "login": reverse("login"),
        "logout": reverse("logout"),
        "pages": pages,
        "lists": [reverse("cases:people_offline")] if pages and _enters_cases(user) else [],
        "strings": {
            "waiting": _("Waiting to send"),
            "offline": _(
                "No connection: what you save waits on this device and is sent when the "
                "connection is back."
            ),
            "signOutWarning": _(
                "Records on this device not sent yet: %(count)s. If you sign out now they are "
                "lost. Sign out anyway?"
            ),
            "signInAgain": _("Your session has ended: sign in again to send what is waiting."),
            "personNotSent": _("The person named in it has not been sent yet."),
            "refused": _("Not saved by the server: correct it"),
            "blocked": _("Waiting for the person"),
            "pending": _("Waiting"),
            "edit": _("Edit"),
            "delete": _("Delete"),
            "confirmDelete": _("Delete this record from the device? It has not been sent."),
            "nothing": _("Nothing is waiting on this device."),
            "savedAt": _("Saved on the device at"),
        },
    }


def _enters_cases(user: User) -> bool:
    return may_enter_records(user, apps.get_model("cases.LegalOrientationCase"))
