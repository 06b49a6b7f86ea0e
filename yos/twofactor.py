"""Two-factor sign-in with a time-based one-time password (TOTP).

Required for the roles in settings.OTP_REQUIRED_ROLES (supervisors and
administrators by default), for anyone who has set up a device, and for
anyone whose authenticator an administrator has reset (they enrol a new one
at their next sign-in). yos.access.policy sends a signed-in user who still
owes the second factor to `two-factor-verify`, which sends a user with no
confirmed device on to `two-factor-setup`.

The rules that close the bypass found in review (docs/security.md, finding 1):

* A user with a confirmed device who has not given its code in this session
  never reaches setup: knowing the password alone must not let anyone enrol
  an authenticator of their own.
* Replacing an authenticator needs the current one's code as well as the new
  one's; an administrator's reset is the only other way (audited).
* GET writes nothing: the new secret travels in a signed, expiring form field
  bound to the user, and the device is created only when a code for it is
  confirmed.
* The session key is cycled when the second factor succeeds (the session
  fixation rule the password step already follows).
* Every enrolment, replacement and reset goes to the security log and is
  e-mailed to the user.
"""

from __future__ import annotations

import base64
import secrets

import segno
from django import forms
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from yos import access, security_log
from yos.backends import RESET_DEVICE_NAME
from yos.forms import GDSFormMixin
from yos.notify import notify_user

CODE_REQUIRED = "Enter the 6-digit code from your authenticator app"
CODE_WRONG = "The code is not correct or has expired: enter the current 6-digit code"
CURRENT_CODE_REQUIRED = "Enter the 6-digit code from your current authenticator app"
CURRENT_CODE_WRONG = (
    "The code from your current authenticator app is not correct or has expired: "
    "enter its current 6-digit code"
)
SETUP_EXPIRED = "The set-up page has expired: scan the new QR code and enter its code"

DEVICE_NAME = "Authenticator app"
PENDING_SALT = "yos.twofactor.pending-key"
PENDING_MAX_AGE = 15 * 60  # seconds a set-up page stays valid


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class _CodeField(forms.CharField):
    def __init__(self, *, label: str, required_message: str, **kwargs):
        super().__init__(
            label=label,
            max_length=6,
            min_length=6,
            error_messages={
                "required": required_message,
                "min_length": required_message,
                "max_length": required_message,
            },
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            **kwargs,
        )


def _is_code(value: str) -> bool:
    # ASCII digits only: str.isdigit() accepts "²" and other digits int() refuses.
    return len(value) == 6 and all("0" <= c <= "9" for c in value)


class CodeForm(GDSFormMixin, forms.Form):
    """The code from the user's confirmed device (the sign-in step)."""

    submit_label = "Continue"
    code = _CodeField(label="Code from your authenticator app", required_message=CODE_REQUIRED)

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not _is_code(code) or self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError(CODE_WRONG)
        return code


def _sign_key(user, key_hex: str) -> str:
    return signing.dumps({"u": user.pk, "k": key_hex}, salt=PENDING_SALT, compress=True)


def _unsign_key(user, token: str) -> str | None:
    try:
        data = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return None
    key = data.get("k")
    if not isinstance(key, str) or len(key) != 40:
        return None
    try:
        bytes.fromhex(key)
    except ValueError:
        return None
    return key


class SetupForm(GDSFormMixin, forms.Form):
    """Confirm a new authenticator: its code, and (when replacing one) the
    current authenticator's code too. The new secret is in a signed field,
    so showing the page stores nothing."""

    submit_label = "Continue"
    pending = forms.CharField(widget=forms.HiddenInput, required=False)
    current_code = _CodeField(
        label="Code from your current authenticator app",
        required_message=CURRENT_CODE_REQUIRED,
    )
    code = _CodeField(label="Code from your new authenticator app", required_message=CODE_REQUIRED)

    def __init__(self, *args, user, current_device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.current_device = current_device
        if current_device is None:
            del self.fields["current_code"]
            self.fields["code"].label = "Code from your authenticator app"
        self.key_hex: str | None = None
        self.step: int | None = None

    def clean_current_code(self):
        code = self.cleaned_data["current_code"].strip()
        if not _is_code(code) or not self.current_device.verify_token(code):
            raise forms.ValidationError(CURRENT_CODE_WRONG)
        return code

    def clean(self):
        cleaned = super().clean()
        key = _unsign_key(self.user, cleaned.get("pending") or "")
        if key is None:
            self.add_error("code", SETUP_EXPIRED)
            return cleaned
        self.key_hex = key
        code = (cleaned.get("code") or "").strip()
        if code:
            self.step = _totp_step(key, code) if _is_code(code) else None
            if self.step is None:
                self.add_error("code", CODE_WRONG)
        return cleaned


def _totp_step(key_hex: str, code: str) -> int | None:
    """The time step at which code is the key's (one step of drift either
    way, django-otp's usual tolerance), or None."""
    totp = TOTP(bytes.fromhex(key_hex))
    if totp.verify(int(code), tolerance=1):
        return totp.t()  # t() includes the drift verify() found
    return None


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _complete_second_factor(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified and give it a new key (fixation)."""
    otp_login(request, device)
    request.session.cycle_key()


def _config_url(user, key_hex: str) -> str:
    device = TOTPDevice(user=user, key=key_hex, name=DEVICE_NAME)
    return device.config_url


@access.policy(*access.ALL_ROLES, before_second_factor=True)
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator, or replace the current one."""
    user = request.user
    current = confirmed_device(user)
    if current is not None and not user.is_verified():
        # The hole found in review: the password alone must not reach here.
        security_log.event("two_factor_setup_refused", request)
        return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': _next(request)})}")
    replacing = current is not None
    if request.method == "POST":
        form = SetupForm(request.POST, user=user, current_device=current)
        if form.is_valid():
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).delete()
                # last_t: the code just given cannot be given again at verify.
                device = TOTPDevice.objects.create(
                    user=user, name=DEVICE_NAME, key=form.key_hex, confirmed=True, last_t=form.step
                )
            _complete_second_factor(request, device)
            what = "replaced" if replacing else "enrolled"
            security_log.event(f"two_factor_{what}", request)
            notify_user(
                user,
                subject="Your two-factor authentication has changed",
                body=(
                    f"A new authenticator app was set up for your account "
                    f"({user.get_username()}) on {settings.SERVICE_NAME}"
                    f"{', replacing the old one' if replacing else ''}.\n\n"
                    "If this was not you, tell your administrator straight away."
                ),
            )
            return redirect(_next(request))
        # Keep the key of the QR code the user scanned; a new one if it expired.
        key_hex = form.key_hex or secrets.token_hex(20)
        form.data = form.data.copy()
        form.data["pending"] = _sign_key(user, key_hex)
    else:
        key_hex = secrets.token_hex(20)
        form = SetupForm(
            initial={"pending": _sign_key(user, key_hex)}, user=user, current_device=current
        )
    qr_svg = segno.make(_config_url(user, key_hex), error="m").svg_inline(scale=5, dark="#0b0c0c")
    secret = base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "replacing": replacing,
            "qr_svg": qr_svg,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next(request),
        },
    )


@access.policy(*access.ALL_ROLES, before_second_factor=True)
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code from the user's confirmed device."""
    device = confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('two-factor-setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST":
        if form.is_valid():
            _complete_second_factor(request, device)
            return redirect(_next(request))
        security_log.event("two_factor_failure", request)
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


def reset_by_administrator(user, *, by, request=None) -> None:
    """An administrator's reset: the user's authenticators are removed and an
    unconfirmed marker device makes the next sign-in enrol a new one (for
    every role, not only those that must have one). Logged and e-mailed."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=RESET_DEVICE_NAME, confirmed=False)
    security_log.event(
        "two_factor_reset",
        request,
        user=f"{by.get_username()}#{by.pk}",
        target=f"{user.get_username()}#{user.pk}",
    )
    notify_user(
        user,
        subject="Your two-factor authentication was reset",
        body=(
            f"An administrator ({by.get_full_name() or by.get_username()}) reset the "
            f"two-factor authentication of your account ({user.get_username()}) on "
            f"{settings.SERVICE_NAME}. You will set up an authenticator app the next time "
            "you sign in.\n\nIf you did not ask for this, tell your administrator straight away."
        ),
    )
