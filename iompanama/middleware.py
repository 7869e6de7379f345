import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django_otp import user_has_device

from iompanama.db import is_read_only


class LanguageMiddleware:
    """Spanish unless the person chose English: their choice (cookie, then account), never the
    browser's language, since field phones are often set to English by default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen is None and request.user.is_authenticated:
            chosen = request.user.language
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def start_renewal_clock(sender, request: HttpRequest, user, **kwargs) -> None:
    """A session is written when the person signs in: the renewals count from then."""
    request.session["renewed_at"] = int(time.time())


class SessionRenewalMiddleware:
    """Renews a signed-in session at most every SESSION_RENEW_SECONDS, instead of writing it on
    every request: reading pages then work on a read-only database, and cost no write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get("renewed_at", 0) >= settings.SESSION_RENEW_SECONDS:
                request.session["renewed_at"] = now
        return self.get_response(request)


class ReadOnlyDatabaseMiddleware:
    """A write refused by a read-only database says that the system is in maintenance."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DatabaseError) and is_read_only(exception):
            response = render(request, "maintenance.html", status=503)
            response["Retry-After"] = "300"
            return response
        return None


class TwoFactorMiddleware:
    """A session that must pass the second step of signing in (twofactor.PENDING) sees no
    other page until it does: the admin, downloads and exports included."""

    OPEN = {
        "two_factor_verify",
        "two_factor_setup",
        "two_factor_recovery_codes",
        "login",
        "logout",
        "set_language",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        from iompanama.twofactor import PENDING, must_use_two_factor

        user = request.user
        if not request.session.get(PENDING) or not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in self.OPEN:
            return None
        if user_has_device(user):
            step = "two_factor_verify"
        elif must_use_two_factor(user):
            step = "two_factor_setup"
        else:  # optional, and reset by an administrator since: nothing to ask
            del request.session[PENDING]
            return None
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
