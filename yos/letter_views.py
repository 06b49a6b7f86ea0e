"""A letter's page (its preview as HTML, its versions, what may be done to it)
and the print packs. The writes are yos.letters' named transitions; who may
do what is yos.access.letter_actions."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from yos import access, letters
from yos.forms import GDSDateField, GDSFormMixin, add_service_errors
from yos.lib.audit import log_read
from yos.lib.dates import long_date
from yos.models import Letter, PrintPack

READERS = access.LETTER_ROLES

METHODS = [
    (Letter.SentBy.POST, "Post"),
    (Letter.SentBy.HAND, "Hand delivered"),
    (Letter.SentBy.EMAIL, "E-mail"),
]


APPROVE_CONFIRM = "Confirm that you have read the letter and it is right to send"


class ApproveForm(GDSFormMixin, forms.Form):
    submit_label = "Approve the letter"
    confirm = forms.BooleanField(
        label="I have read this letter: it is right to send it to this address",
        error_messages={"required": APPROVE_CONFIRM},
    )


class SendForm(GDSFormMixin, forms.Form):
    submit_label = "Mark as sent"
    method = forms.ChoiceField(
        label="How was it sent?",
        choices=METHODS,
        widget=forms.RadioSelect,
        error_messages={"required": letters.SEND_METHOD_REQUIRED},
    )
    sent_on = GDSDateField(label="Date it was sent")

    def __init__(self, *args, submit_label: str | None = None, **kwargs):
        if submit_label:
            self.submit_label = submit_label
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].error_messages["required"] = letters.SEND_DATE_REQUIRED

    def clean_sent_on(self):
        day = self.cleaned_data["sent_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(letters.SEND_DATE_FUTURE)
        return day


class WithdrawForm(GDSFormMixin, forms.Form):
    submit_label = "Withdraw the letter"
    prefix = "withdraw"
    reason = forms.CharField(
        label="Why is it withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": letters.WITHDRAW_REASON_REQUIRED},
    )


class RegenerateForm(GDSFormMixin, forms.Form):
    submit_label = "Make a new version"
    prefix = "regenerate"
    reason = forms.CharField(
        label="What was corrected?",
        help_text="For example: her own address is now recorded",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": letters.REGENERATE_REASON_REQUIRED},
    )


class PrintPackForm(GDSFormMixin, forms.Form):
    """Choose approved letters for one print pack ("all approved" is a second button)."""

    submit_label = "Make a print pack of the selected letters"
    letters = forms.ModelMultipleChoiceField(
        label="Approved letters",
        queryset=Letter.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["letters"]
        field.queryset = letters.packable(user)
        field.label_from_instance = _letter_label
        field.error_messages["invalid_choice"] = letters.PACK_NOT_APPROVED.format(
            letters="one of them is no longer approved"
        )
        self.helper.form_tag = False  # inside the page's form, with the "all" button


def _letter_label(letter: Letter) -> str:
    day = letter.letter_date or letter.generated_at.date()
    return f"{letter.get_kind_display()} to {letter.recipient.full_name}, {long_date(day)}"


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
_HEADING = re.compile(r"<(/?)h([1-5])\b", re.I)


def preview_body(letter: Letter) -> str:
    """The letter's HTML as it was rendered to the PDF (its <body>), headings
    one level down to sit under the page's own heading. The HTML came from
    our own letter templates with autoescaping on, so every recorded value in
    it is already escaped: it is marked safe as it was stored."""
    match = _BODY.search(letter.html or "")
    if not match:
        return ""
    body = _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", match.group(1))
    return mark_safe(body)  # nosec B308 B703 - rendered by our autoescaping templates


def _letter(request, pk) -> Letter:
    return access.get_for_user(
        request.user,
        Letter.objects.select_related(
            "recipient",
            "document",
            "child",
            "generated_by",
            "approved_by",
            "sent_recorded_by",
            "withdrawn_by",
            "supersedes",
        ),
        pk,
    )


def _allowed(request, letter: Letter) -> None:
    """Who may act on the letter at all (else 403); whether its state allows
    the action is the service's to refuse, in plain English."""
    if not access.can_act_on_letter(request.user, letter):
        raise PermissionDenied("You cannot change this letter")


def _versions(letter: Letter) -> list[Letter]:
    """Every version of this letter, oldest first (they share the first key)."""
    base = letter.dedupe_key.split("/")[0]
    return list(
        Letter.objects.filter(Q(dedupe_key=base) | Q(dedupe_key__startswith=f"{base}/v"))
        .select_related("recipient")
        .order_by("version")
    )


def _page(request, letter: Letter, *, status: int = 200, posted=None, **forms_) -> HttpResponse:
    actions = access.letter_actions(request.user, letter)
    # A refused action whose form the letter's state no longer shows: its
    # message goes in an error summary at the top of the page.
    refusal = posted[1] if posted and posted[0] not in actions else None
    context = {
        "refusal_form": refusal,
        "letter": letter,
        "body": preview_body(letter),
        "address": letters.address_lines(letter.address),
        "actions": actions,
        "versions": _versions(letter),
        "superseded_by": Letter.objects.filter(supersedes=letter).first(),
        "needs_supervisor": letters.supervisor_must_approve(letter),
        "approve_form": forms_.get("approve_form") or ApproveForm(),
        "send_form": forms_.get("send_form") or SendForm(initial={"method": Letter.SentBy.POST}),
        "withdraw_form": forms_.get("withdraw_form") or WithdrawForm(),
        "regenerate_form": forms_.get("regenerate_form") or RegenerateForm(),
    }
    for form_name, url_name in (
        ("approve_form", "letter-approve"),
        ("send_form", "letter-send"),
        ("withdraw_form", "letter-withdraw"),
        ("regenerate_form", "letter-regenerate"),
    ):
        context[form_name].helper.form_action = reverse(url_name, args=[letter.pk])
    return render(request, "letters_ui/detail.html", context, status=status)


@require_GET
@access.policy(*READERS)
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter as accessible HTML (the same content as its PDF), where it
    is in its life, its versions, and the actions this user may take."""
    letter = _letter(request, pk)
    log_read(request, letter)
    return _page(request, letter)


def _act(request, pk, action: str, form_class, name: str, run, done: str) -> HttpResponse:
    letter = _letter(request, pk)
    _allowed(request, letter)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = run(letter, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(result)
    return _page(request, letter, status=400, posted=(action, form), **{name: form})


@require_POST
@access.policy(*READERS)
def letter_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "approve",
        ApproveForm,
        "approve_form",
        lambda letter, _d: letters.letter_approve(letter=letter, by=request.user),
        "Letter approved: it is ready to send",
    )


@require_POST
@access.policy(*READERS)
def letter_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "send",
        SendForm,
        "send_form",
        lambda letter, d: letters.letter_send(
            letter=letter, by=request.user, method=d["method"], sent_on=d["sent_on"]
        ),
        "Letter marked as sent",
    )


@require_POST
@access.policy(*READERS)
def letter_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "withdraw",
        WithdrawForm,
        "withdraw_form",
        lambda letter, d: letters.letter_withdraw(
            letter=letter, by=request.user, reason=d["reason"]
        ),
        "Letter withdrawn",
    )


@require_POST
@access.policy(*READERS)
def letter_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "regenerate",
        RegenerateForm,
        "regenerate_form",
        lambda letter, d: letters.letter_regenerate(
            letter=letter, by=request.user, reason=d["reason"]
        ),
        "A new version of the letter was made: check and approve it",
    )


# --- Print packs ----------------------------------------------------------------------


@access.policy(*READERS)
def print_pack_new(request: HttpRequest) -> HttpResponse:
    """Choose approved letters (or all of them) for one PDF for the post run."""
    form = PrintPackForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["letters"])
        if "all" in request.POST:
            chosen = list(letters.packable(request.user))
        try:
            pack = letters.print_pack_request(letters=chosen, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(pack)
    packable = form.fields["letters"].queryset
    status = 400 if form.errors else 200
    return render(
        request,
        "letters_ui/print_pack_new.html",
        {"form": form, "count": packable.count(), "packs": _my_packs(request.user)},
        status=status,
    )


def _my_packs(user):
    return access.visible(user, PrintPack).select_related("document")[:10]


@require_GET
@access.policy(*READERS)
def print_pack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The pack's progress (the page refreshes itself until it is ready, no
    JavaScript needed), then its download and "mark these as sent"."""
    pack = access.get_for_user(request.user, PrintPack.objects.select_related("document"), pk)
    return _pack_page(request, pack)


def _pack_page(request, pack, form=None, status=200):
    working = pack.status in (PrintPack.Status.QUEUED, PrintPack.Status.RUNNING)
    context = {
        "pack": pack,
        "working": working,
        # WCAG 2.2.1 Timing Adjustable: the self-refresh can be turned off.
        "refresh": request.GET.get("refresh") != "off",
        "letters": letters.pack_order(pack),
        "form": form
        or SendForm(
            initial={"method": Letter.SentBy.POST},
            submit_label="Mark these letters as sent",
        ),
    }
    context["form"].helper.form_action = reverse("print-pack-mark-sent", args=[pack.pk])
    return render(request, "letters_ui/print_pack.html", context, status=status)


@require_POST
@access.policy(*READERS)
def print_pack_mark_sent(request: HttpRequest, pk: int) -> HttpResponse:
    pack = access.get_for_user(request.user, PrintPack.objects.select_related("document"), pk)
    form = SendForm(request.POST, submit_label="Mark these letters as sent")
    if form.is_valid():
        if any(not access.can_act_on_letter(request.user, x) for x in pack.letters.all()):
            raise PermissionDenied("You cannot send one of these letters")
        try:
            letters.print_pack_mark_sent(
                pack=pack,
                by=request.user,
                method=form.cleaned_data["method"],
                sent_on=form.cleaned_data["sent_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            plural = "" if pack.total == 1 else "s"
            messages.success(request, f"{pack.total} letter{plural} marked as sent")
            return redirect(pack)
    return _pack_page(request, pack, form=form, status=400)
