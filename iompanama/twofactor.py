"""Two-factor sign-in: a code from an authenticator app (TOTP), or a single-use recovery code.

Administrators and supervisors, who see everyone's data or approve it, must use it; field staff
and viewers may. After the password, a person who has it (or must have it) passes through these
pages before any other (TwoFactorMiddleware); the admin asks for it too (admin_site.py)."""

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device, verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from iompanama.models import User
from iompanama.roles import Role

# In a session that must pass the second step before any page (set at sign-in).
PENDING = "two_factor_pending"
RECOVERY_CODES = 10
ROLES_THAT_MUST = (Role.ADMINISTRATOR, Role.SUPERVISOR)


def must_use_two_factor(user: User) -> bool:
    return user.is_superuser or any(user.has_role(role) for role in ROLES_THAT_MUST)


def note_pending_at_sign_in(sender, request: HttpRequest, user: User, **kwargs) -> None:
    """Whether this session must pass the second step, decided once at sign-in so that other
    pages cost no query for it."""
    request.session[PENDING] = must_use_two_factor(user) or user_has_device(user)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=gettext_lazy("The 6 digits your authenticator app shows, or a recovery code."),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in."""
    user = request.user
    if user.is_verified():
        return _next(request)
    if not user_has_device(user):
        return redirect(f"{reverse('two_factor_setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = _device_accepting(user, form.cleaned_data["code"])
        if device:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)s are left.") % {"left": left},
                )
            return _next(request)
        form.add_error("code", _("This code is not valid. Wait for the next one and try again."))
    return render(request, "registration/two_factor_verify.html", {"form": form})


def setup(request: HttpRequest) -> HttpResponse:
    """Turning two-factor sign-in on: scan the key, confirm with a code, keep the recovery
    codes. Once on, the page says so and offers new recovery codes."""
    user = request.user
    if user_has_device(user):
        if not user.is_verified():
            return redirect(f"{reverse('two_factor_verify')}?{request.GET.urlencode()}")
        return render(request, "registration/two_factor_on.html", {})
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="authenticator", defaults={"confirmed": False}
    )
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return _show_new_recovery_codes(request)
        form.add_error("code", _("This code is not valid. Check the key and try the next code."))
    ctx = {
        "form": form,
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
        "key": _grouped(b32encode(device.bin_key).decode()),
        "required": must_use_two_factor(user),
    }
    return render(request, "registration/two_factor_setup.html", ctx)


@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, the old ones no longer valid: for someone who passed the second
    step in this session."""
    if not request.user.is_verified():
        return redirect("two_factor_setup")
    return _show_new_recovery_codes(request)


def reset(user: User) -> None:
    """An administrator's reset, for someone who lost their phone: they set it up again at
    their next sign-in (the admin records who reset it, and when)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _show_new_recovery_codes(request: HttpRequest) -> HttpResponse:
    device, _created = StaticDevice.objects.get_or_create(
        user=request.user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _number in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    ctx = {"codes": codes, "next": request.GET.get("next", "")}
    return render(request, "registration/two_factor_recovery_codes.html", ctx)


def _device_accepting(user: User, code: str):
    """The device the code is from: six digits are the app's, anything else a recovery code.
    Each device throttles its own wrong guesses."""
    device_class = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    for device in device_class.objects.devices_for_user(user):
        accepted = verify_token(user, device.persistent_id, code)
        if accepted:
            return accepted
    return None


def _grouped(key: str) -> str:
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))


def _next(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(settings.LOGIN_REDIRECT_URL)
