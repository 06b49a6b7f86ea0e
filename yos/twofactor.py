"""Two-factor sign-in with a time-based one-time password (TOTP).

Required for the roles in settings.OTP_REQUIRED_ROLES (supervisors and
administrators by default) and for anyone who has set up a device; available
to everyone. yos.access.policy sends a signed-in user who still needs the
second factor to `two-factor-verify` (or `two-factor-setup` if they have no
device yet).
"""

from __future__ import annotations

import base64

import segno
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from yos import access
from yos.forms import GDSFormMixin

CODE_REQUIRED = "Enter the 6-digit code from your authenticator app"
CODE_WRONG = "The code is not correct or has expired: enter the current 6-digit code"


def second_factor_required(user) -> bool:
    role = user.role
    if role is not None and role.value in settings.OTP_REQUIRED_ROLES:
        return True
    if hasattr(user, "_has_device"):  # loaded with the user (yos.backends)
        return user._has_device
    return user_has_device(user)


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    return second_factor_required(user) and not user.is_verified()


class CodeForm(GDSFormMixin, forms.Form):
    submit_label = "Continue"
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        error_messages={"required": CODE_REQUIRED, "min_length": CODE_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit() or self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError(CODE_WRONG)
        return code


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@access.policy(*access.ALL_ROLES, before_second_factor=True)
def setup(request: HttpRequest) -> HttpResponse:
    """Create (or continue setting up) the user's TOTP device and confirm it."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        otp_login(request, device)
        return redirect(_next(request))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#0b0c0c")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next(request),
        },
    )


@access.policy(*access.ALL_ROLES, before_second_factor=True)
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code from the user's confirmed device."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('two-factor-setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_next(request))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )
