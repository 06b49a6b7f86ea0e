"""The to-do list's actions: assign, snooze or dismiss a flag; mark a
decision read. Small GOV.UK forms that work without JavaScript; every write
goes through yos.flags / yos.notices, every object through yos.access."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yos import access, flags, notices
from yos.forms import GDSDateField, GDSFormMixin, add_service_errors
from yos.models import Flag, Role

FLAG_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.SCHOOL_STAFF, Role.VICTIM_WORKER)
CHOOSE_ASSIGNEE = "Choose someone in the team who can see this record"


class FlagAssignForm(GDSFormMixin, forms.Form):
    submit_label = "Assign"

    assigned_to = forms.ModelChoiceField(
        label="Who should act on it",
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_ASSIGNEE, "invalid_choice": CHOOSE_ASSIGNEE},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = candidates
        self.fields["assigned_to"].label_from_instance = lambda user: (
            f"{user} ({user.role_label.lower()})"
        )


class FlagSnoozeForm(GDSFormMixin, forms.Form):
    submit_label = "Snooze"

    snoozed_until = GDSDateField(
        label="Snooze until",
        help_text="It comes back on your list on this day. For example, 27 3 2027",
    )
    snooze_reason = forms.CharField(
        label="Why are you snoozing it?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": flags.ENTER_SNOOZE_REASON},
    )


class FlagDismissForm(GDSFormMixin, forms.Form):
    submit_label = "Dismiss"

    dismiss_reason = forms.CharField(
        label="Why can it be dismissed?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": flags.ENTER_DISMISS_REASON},
    )


def _flag_for(request: HttpRequest, pk: int) -> Flag:
    """An open flag the user may see (else 404) and act on (else 403)."""
    try:
        flag = (
            access.visible_flags(request.user)
            .filter(resolved_at__isnull=True, dismissed_at__isnull=True)
            .select_related("family", "child", "school", "assigned_to")
            .get(pk=pk)
        )
    except Flag.DoesNotExist:
        raise Http404(access.NOT_FOUND) from None
    if not access.can_act_on_flag(request.user, flag):
        raise PermissionDenied(flags.CANNOT_ACT)
    flag.about = flags.flag_about(flag)
    return flag


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _page(request, flag, form, *, title: str, done: str, save) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("home")
    return render(
        request,
        "yos/flag_form.html",
        {"flag": flag, "form": form, "title": title, "url": flags.flag_url(flag)},
    )


@access.policy(*FLAG_ROLES)
def flag_assign(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _flag_for(request, pk)
    candidates = access.flag_assignees(flag).order_by("last_name", "first_name", "username")
    form = FlagAssignForm(_data(request), candidates=candidates)
    return _page(
        request,
        flag,
        form,
        title="Assign this flag",
        done="Flag assigned",
        save=lambda data: flags.flag_assign(
            flag=flag, assignee=data["assigned_to"], by=request.user
        ),
    )


@access.policy(*FLAG_ROLES)
def flag_snooze(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _flag_for(request, pk)
    form = FlagSnoozeForm(_data(request))
    return _page(
        request,
        flag,
        form,
        title="Snooze this flag",
        done="Flag snoozed",
        save=lambda data: flags.flag_snooze(
            flag=flag,
            until=data["snoozed_until"],
            reason=data["snooze_reason"],
            by=request.user,
        ),
    )


@access.policy(*FLAG_ROLES)
def flag_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _flag_for(request, pk)
    form = FlagDismissForm(_data(request))
    return _page(
        request,
        flag,
        form,
        title="Dismiss this flag",
        done="Flag dismissed",
        save=lambda data: flags.flag_dismiss(
            flag=flag, reason=data["dismiss_reason"], by=request.user
        ),
    )


@require_POST
@access.policy(*access.ALL_ROLES)
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's own decisions read (404 for anyone else's)."""
    try:
        notice = access.visible_notices(request.user).get(pk=pk)
    except notices.Notice.DoesNotExist:
        raise Http404(access.NOT_FOUND) from None
    notices.notice_mark_read(notice=notice, by=request.user)
    messages.success(request, "Marked as read")
    return redirect("home")
