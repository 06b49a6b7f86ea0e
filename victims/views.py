"""Victim workers' pages, the administrator's reasoned access, and reparation.

Every victims' page is for victim workers only (404 for everyone else); an
administrator may open a victim's page after giving a reason, which is logged.
Reparation is the child's side: the allocated case manager records it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.models import Case
from victims import forms, selectors, services
from victims.models import (
    GivenBy,
    Reparation,
    RestorativeJusticeWork,
    Victim,
    VictimContact,
)
from yos import access
from yos.forms import add_service_errors
from yos.lib.audit import log_read
from yos.lib.history import render_history
from yos.lib.versioning import STALE_RECORD, StaleRecord
from yos.models import Role

VW = Role.VICTIM_WORKER


def _form_page(request, form, *, title: str, back, caption: str = "") -> HttpResponse:
    return render(
        request,
        "victims/form.html",
        {"form": form, "title": title, "back": resolve_url(back), "caption": caption},
    )


def _data(request: HttpRequest):
    """The POST data of a submission (even an empty one), None for a GET."""
    return request.POST if request.method == "POST" else None


def _save_or_errors(form, save) -> bool:
    """Run save(); put a service's ValidationError or a stale save on the form."""
    try:
        save()
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    except StaleRecord:
        form.add_error(None, STALE_RECORD)
        return False
    return True


@require_http_methods(["GET"])
@access.policy(VW)
def victim_list(request: HttpRequest) -> HttpResponse:
    victims = selectors.victims_list(request.user)
    page = Paginator(victims, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for victim in page:
        victim.overdue = victim.is_first_contact_overdue(today)
    return render(request, "victims/victim_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@access.policy(VW)
def victim_create(request: HttpRequest) -> HttpResponse:
    form = forms.VictimCreateForm(_data(request))
    if request.method == "POST" and form.is_valid():
        victim = form.save(commit=False)
        case = form.cleaned_data["case_reference"]
        if _save_or_errors(
            form, lambda: services.victim_create(victim=victim, case=case, by=request.user)
        ):
            messages.success(request, "Victim added")
            return redirect(victim)
    return _form_page(request, form, title="Add a victim", back="victims:list")


def _render_victim(request, victim: Victim, *, read_only: bool) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "victims/victim_detail.html",
        {
            "victim": victim,
            "offences": victim.offences.all(),
            "contacts": victim.contacts.all(),
            "updates": victim.updates.all(),
            "rj_work": sorted(
                (w for link in victim.offences.all() for w in link.rj_work.all()),
                key=lambda w: (w.started_on, w.pk),
                reverse=True,
            ),
            "overdue": victim.is_first_contact_overdue(today),
            "read_only": read_only,
            "tab": "details",
        },
    )


@require_http_methods(["GET", "POST"])
@access.policy(VW, Role.ADMINISTRATOR)
def victim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if access.can_open_victim_with_reason(request.user):
        return _administrator_view(request, pk)
    if request.method != "GET":
        return HttpResponse(status=405)
    victim = access.get_for_user(request.user, selectors.victim_page_queryset(), pk)
    log_read(request, victim)
    return _render_victim(request, victim, read_only=False)


def _administrator_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The reason form first; with a reason, the page (read-only), logged with it."""
    victim = access.victim_for_administrator(request.user, selectors.victim_page_queryset(), pk)
    form = forms.AdministratorReasonForm(_data(request))
    if request.method == "POST" and form.is_valid():
        log_read(request, victim, reason=form.cleaned_data["reason"])
        return _render_victim(request, victim, read_only=True)
    return render(request, "victims/administrator_reason.html", {"form": form})


@require_http_methods(["GET", "POST"])
@access.policy(VW)
def victim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    victim = access.get_for_user(request.user, Victim, pk, write=True)
    form = forms.VictimForm(_data(request), instance=victim)
    if request.method == "POST" and form.is_valid():
        changed = form.save(commit=False)
        version = form.cleaned_data["loaded_version"]
        if _save_or_errors(
            form,
            lambda: services.victim_edit(victim=changed, loaded_version=version, by=request.user),
        ):
            messages.success(request, "Victim's details saved")
            return redirect(victim)
    return _form_page(
        request, form, title="Change the victim's details", back=victim, caption=victim.name
    )


@require_http_methods(["GET", "POST"])
@access.policy(VW)
def victim_link_case(request: HttpRequest, pk: int) -> HttpResponse:
    victim = access.get_for_user(request.user, Victim, pk, write=True)
    form = forms.CaseLinkForm(_data(request), victim=victim)
    if request.method == "POST" and form.is_valid():
        case = form.cleaned_data["case_reference"]
        if _save_or_errors(
            form, lambda: services.victim_link_case(victim=victim, case=case, by=request.user)
        ):
            messages.success(request, "Case linked")
            return redirect(victim)
    return _form_page(request, form, title="Link another offence", back=victim, caption=victim.name)


@require_http_methods(["GET", "POST"])
@access.policy(VW)
def contact_record(request: HttpRequest, pk: int) -> HttpResponse:
    victim = access.get_for_user(request.user, Victim, pk, write=True)
    form = forms.ContactForm(_data(request), victim=victim)
    if request.method == "POST" and form.is_valid():
        contact = form.save(commit=False)
        if _save_or_errors(
            form, lambda: services.victim_contact_record(contact=contact, by=request.user)
        ):
            messages.success(request, "Contact recorded")
            return redirect(victim)
    return _form_page(request, form, title="Record a contact", back=victim, caption=victim.name)


@require_http_methods(["GET", "POST"])
@access.policy(VW)
def contact_withdraw_consent(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_for_user(
        request.user, VictimContact.objects.select_related("victim"), pk, write=True
    )
    form = forms.WithdrawConsentForm(_data(request), victim=contact.victim)
    if request.method == "POST" and form.is_valid():
        withdrawn_on = form.cleaned_data["consent_withdrawn_on"]
        given_by = form.cleaned_data.get("given_by") or GivenBy.VICTIM
        if _save_or_errors(
            form,
            lambda: services.victim_contact_withdraw_consent(
                contact=contact, withdrawn_on=withdrawn_on, by=request.user, given_by=given_by
            ),
        ):
            messages.success(request, "Withdrawal of consent recorded")
            return redirect(contact.victim)
    return _form_page(
        request,
        form,
        title="Record that consent was withdrawn",
        back=contact.victim,
        caption=contact.victim.name,
    )


@require_http_methods(["GET", "POST"])
@access.policy(VW)
def update_record(request: HttpRequest, pk: int) -> HttpResponse:
    victim = access.get_for_user(request.user, Victim, pk, write=True)
    form = forms.UpdateForm(_data(request), victim=victim)
    if request.method == "POST" and form.is_valid():
        update = form.save(commit=False)
        if _save_or_errors(
            form, lambda: services.victim_update_record(update=update, by=request.user)
        ):
            messages.success(request, "Update recorded")
            return redirect(victim)
    return _form_page(
        request,
        form,
        title="Record an update given to the victim",
        back=victim,
        caption=victim.name,
    )


@require_http_methods(["GET", "POST"])
@access.policy(VW)
def invitation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    victim = access.get_for_user(request.user, Victim, pk, write=True)
    form = forms.InvitationForm(_data(request), initial={"loaded_version": victim.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _save_or_errors(
            form,
            lambda: services.victim_decide_invitation(
                victim=victim,
                invitation=data["invitation"],
                reason=data["invitation_reason"],
                loaded_version=data["loaded_version"],
                by=request.user,
            ),
        ):
            messages.success(request, "Decision recorded")
            return redirect(victim)
    return _form_page(
        request,
        form,
        title="Decide whether to invite the victim to take part",
        back=victim,
        caption=victim.name,
    )


@require_http_methods(["GET", "POST"])
@access.policy(VW)
def rj_work_record(request: HttpRequest, pk: int) -> HttpResponse:
    victim = access.get_for_user(request.user, Victim, pk, write=True)
    form = forms.RJWorkForm(_data(request), victim=victim)
    if request.method == "POST" and form.is_valid():
        work = form.save(commit=False)
        if _save_or_errors(form, lambda: services.rj_work_record(work=work, by=request.user)):
            messages.success(request, "Restorative-justice work recorded")
            return redirect(victim)
    return _form_page(
        request, form, title="Record restorative-justice work", back=victim, caption=victim.name
    )


@require_http_methods(["GET", "POST"])
@access.policy(VW)
def rj_work_edit(request: HttpRequest, pk: int) -> HttpResponse:
    qs = RestorativeJusticeWork.objects.select_related("offence__victim")
    work = access.get_for_user(request.user, qs, pk, write=True)
    victim = work.offence.victim
    form = forms.RJWorkForm(_data(request), instance=work, victim=victim)
    if request.method == "POST" and form.is_valid():
        changed = form.save(commit=False)
        version = form.cleaned_data["loaded_version"]
        if _save_or_errors(
            form,
            lambda: services.rj_work_edit(work=changed, loaded_version=version, by=request.user),
        ):
            messages.success(request, "Restorative-justice work saved")
            return redirect(victim)
    return _form_page(
        request, form, title="Restorative-justice work", back=victim, caption=victim.name
    )


@require_http_methods(["GET"])
@access.policy(VW)
def victim_history(request: HttpRequest, pk: int) -> HttpResponse:
    victim = access.get_for_user(request.user, selectors.victim_page_queryset(), pk)
    records = [victim, *victim.offences.all(), *victim.contacts.all(), *victim.updates.all()]
    records += [work for link in victim.offences.all() for work in link.rj_work.all()]
    return render_history(
        request,
        victim,
        template="victims/victim_history.html",
        records=records,
        context={"victim": victim, "tab": "history"},
    )


# --- Reparation: the child's side ---------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.policy(Role.CASE_MANAGER)
def reparation_record(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = access.get_for_user(
        request.user, Case.objects.select_related("child"), case_pk, write=True
    )
    form = forms.ReparationForm(_data(request), instance=Reparation(case=case))
    if request.method == "POST" and form.is_valid():
        reparation = form.save(commit=False)
        if _save_or_errors(
            form, lambda: services.reparation_record(reparation=reparation, by=request.user)
        ):
            messages.success(request, "Reparation recorded")
            return redirect(case.child)
    return _form_page(request, form, title="Record reparation", back=case.child, caption=case.title)


@require_http_methods(["GET", "POST"])
@access.policy(Role.CASE_MANAGER)
def reparation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    qs = Reparation.objects.select_related("case__child")
    reparation = access.get_for_user(request.user, qs, pk, write=True)
    child = reparation.case.child
    form = forms.ReparationForm(_data(request), instance=reparation)
    if request.method == "POST" and form.is_valid():
        changed = form.save(commit=False)
        version = form.cleaned_data["loaded_version"]
        if _save_or_errors(
            form,
            lambda: services.reparation_edit(
                reparation=changed, loaded_version=version, by=request.user
            ),
        ):
            messages.success(request, "Reparation saved")
            return redirect(child)
    return _form_page(
        request, form, title="Change reparation", back=child, caption=reparation.case.title
    )
