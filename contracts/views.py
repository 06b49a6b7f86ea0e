"""Parenting-contract pages: school staff (their school's contracts) and YOS
case workers (their team's families). Every object comes through yos.access."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from contracts import forms as f
from contracts import selectors, services
from contracts.models import ContractNonCompliance, ContractSignature, ParentingContract
from yos import access, letter_content
from yos.forms import add_service_errors
from yos.lib.audit import log_read
from yos.lib.dates import long_date
from yos.lib.versioning import STALE_RECORD, StaleRecord, save_if_current
from yos.models import Role

ADDRESS_NEEDED = (
    "No letter was made for {name}: there is no address of their own recorded. "
    "Record their address; the letter is held and flagged until then."
)

READERS = (Role.SCHOOL_STAFF, Role.CASE_MANAGER, Role.SUPERVISOR)
WRITERS = (Role.SCHOOL_STAFF, Role.CASE_MANAGER)


def _posted(request: HttpRequest):
    """The POST data, or None for a GET (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None


def _writable(request: HttpRequest, pk: int) -> ParentingContract:
    return access.get_for_user(request.user, ParentingContract, pk, write=True)


def _form_page(request, contract, form, title: str, *, status: int = 200, intro: str = ""):
    return render(
        request,
        "contracts/form.html",
        {"contract": contract, "form": form, "title": title, "intro": intro},
        status=status,
    )


def _done(request, contract, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(contract.get_absolute_url() + anchor)


# --- Lists and pages -------------------------------------------------------------------


@access.policy(*READERS)
def contract_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ParentingContract.Status.values:
        status = ""
    contracts = list(selectors.contract_list(request.user, status=status)[:200])
    return render(
        request,
        "contracts/list.html",
        {
            "contracts": contracts,
            "status": status,
            "statuses": ParentingContract.Status.choices,
            "can_draft": access.may_draft_contracts(request.user),
        },
    )


@access.policy(*WRITERS)
def choose_pupil(request: HttpRequest) -> HttpResponse:
    pupils = list(selectors.pupils_for_new_contract(request.user)[:500])
    return render(request, "contracts/choose_pupil.html", {"pupils": pupils})


@access.policy(*READERS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_detail(request.user, pk)
    log_read(request, contract)
    documents = sorted(contract.documents.all(), key=lambda d: -d.number)
    current = documents[0] if documents else None
    # School staff and case managers only: can_change is False for every other role.
    can_write = access.can_change(request.user, contract)
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "documents": documents,
            "current": current,
            "current_signatures": [
                s for s in contract.signatures.all() if current and s.version_id == current.pk
            ],
            "missing": selectors.missing_signatures_from(contract)
            if contract.status == ParentingContract.Status.AWAITING_SIGNATURES
            else [],
            "can_write": can_write,
            "is_school_staff": access.works_for_school(request.user),
            "can_terminate": access.can_terminate_contract(request.user, contract),
            "can_request_termination": access.can_request_termination(request.user, contract),
            "can_decide_termination": access.can_decide_termination(request.user, contract),
            "termination_requests": list(contract.termination_requests.all()),
            "why_offered": letter_content.why_offered(contract.purpose, contract.pupil.first_name),
            "Status": ParentingContract.Status,
        },
    )


# --- Drafting -----------------------------------------------------------------------------


@access.policy(*WRITERS)
def draft(request: HttpRequest, child_pk: int) -> HttpResponse:
    pupil = access.contract_pupils(request.user).filter(pk=child_pk).first()
    if pupil is None:
        raise Http404(access.NOT_FOUND)
    form = f.ContractDraftForm(_posted(request), parents_queryset=selectors.parents_of(pupil))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        parents = list(data.pop("parents"))
        party = (
            ParentingContract.Party.GOVERNING_BODY
            if access.works_for_school(request.user)
            else ParentingContract.Party.LOCAL_AUTHORITY
        )
        try:
            contract = services.contract_draft(
                pupil=pupil, parents=parents, party=party, by=request.user, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, "Draft contract saved")
    return render(
        request,
        "contracts/form.html",
        {"form": form, "title": "Draft a parenting contract", "pupil": pupil},
        status=400 if form.errors else 200,
    )


@access.policy(*WRITERS)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    if contract.status != ParentingContract.Status.DRAFT:
        raise PermissionDenied("Only a draft can be edited")
    form = f.ContractEditForm(_posted(request), instance=contract)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_check_terms(form.instance)
            save_if_current(form.instance, form.cleaned_data["loaded_version"], by=request.user)
        except StaleRecord:
            form.add_error(None, STALE_RECORD)
        else:
            return _done(request, contract, "Contract saved")
    return _form_page(
        request, contract, form, "Edit the contract", status=400 if form.errors else 200
    )


@access.policy(*WRITERS)
def record_initiation(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    form = f.InitiationForm(_posted(request), contract=contract)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.contract_record_initiation(
                contract=contract,
                consent_given=d["consent_given"],
                consent_on=d["consent_on"],
                consent_how=d["consent_how"],
                initiated_on=d["initiated_on"],
                present=list(d["present"]),
                unresponsive=list(d["unresponsive"]),
                unresponsive_notes=d["unresponsive_notes"],
                pupil_engaged=form.pupil_engaged_value,
                pupil_engagement_notes=d["pupil_engagement_notes"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, "Meeting, consent and presence recorded")
    return _form_page(
        request,
        contract,
        form,
        "Record the meeting and consent",
        status=400 if form.errors else 200,
    )


@access.policy(*WRITERS)
def add_requirement(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    form = f.RequirementForm(_posted(request), contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_add(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, "Requirement added", "#requirements")
    return _form_page(
        request,
        contract,
        form,
        "Add a requirement",
        status=400 if form.errors else 200,
        intro="Make it SMART: a specific action, how it is measured, who does it, and by when or how often.",
    )


@require_POST
@access.policy(*WRITERS)
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    try:
        services.contract_finalise(contract=contract, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(contract)
    return _done(request, contract, "Contract document made: it is ready to sign")


@access.policy(*WRITERS)
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    form = f.ReasonForm(_posted(request), submit_label="Make a new version")
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_amend(
                contract=contract, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, "New version made: it needs signing again")
    return _form_page(
        request, contract, form, "Amend the contract", status=400 if form.errors else 200
    )


@access.policy(*WRITERS)
def change_lead(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    form = f.LeadChangeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_practitioner_change(
                contract=contract, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, "Lead practitioner changed", "#lead-practitioner")
    return _form_page(
        request, contract, form, "Change the lead practitioner", status=400 if form.errors else 200
    )


# --- Signatures --------------------------------------------------------------------------


def _sign(request, contract, form, title, *, signature):
    if request.method == "POST" and form.is_valid():
        try:
            services.signature_record(contract=contract, by=request.user, **signature(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            contract.refresh_from_db()
            note = " The contract is now active." if contract.is_in_force else ""
            return _done(request, contract, "Signature recorded." + note, "#signatures")
    return _form_page(request, contract, form, title, status=400 if form.errors else 200)


@access.policy(*WRITERS)
def record_parent_signature(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    present = contract.parent_links.filter(present_at_initiation=True).values("adult_id")
    parents = contract.parents.filter(pk__in=present)
    form = f.ParentSignatureForm(_posted(request), request.FILES or None, parents_queryset=parents)

    def values(form):
        d = form.cleaned_data
        return {
            "signer_kind": ContractSignature.SignerKind.PARENT,
            "name": d["adult"].full_name,
            "adult": d["adult"],
            "method": d["method"],
            "scan": d.get("scan"),
        }

    return _sign(request, contract, form, "Record a parent's signature", signature=values)


@access.policy(Role.SCHOOL_STAFF)
def sign_for_governing_body(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    form = f.StaffSignatureForm(_posted(request))

    def values(form):
        return {
            "signer_kind": ContractSignature.SignerKind.SCHOOL_STAFF,
            "name": str(request.user),
            "user": request.user,
            "method": ContractSignature.Method.ON_SCREEN,
        }

    return _sign(request, contract, form, "Sign on behalf of the governing body", signature=values)


@access.policy(*WRITERS)
def record_officer_signature(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    form = f.OfficerSignatureForm(_posted(request), request.FILES or None)

    def values(form):
        d = form.cleaned_data
        return {
            "signer_kind": ContractSignature.SignerKind.LA_OFFICER,
            "name": d["name"],
            "method": d["method"],
            "scan": d.get("scan"),
        }

    return _sign(
        request, contract, form, "Record the local authority officer's signature", signature=values
    )


@access.policy(*WRITERS)
def record_copy_sent(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    form = f.CopySentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.copy_sent_record(contract=contract, by=request.user, **form.cleaned_data)
        return _done(request, contract, "Copy recorded", "#copies")
    return _form_page(
        request,
        contract,
        form,
        "Record a copy sent",
        status=400 if form.errors else 200,
        intro="For anyone who could not come to the meeting, such as a practitioner from another service.",
    )


# --- Reviews, non-compliance, ending -------------------------------------------------------


@access.policy(*WRITERS)
def record_review(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    requirements = contract.requirements.select_related("kind").order_by("id")
    form = f.ReviewForm(_posted(request), contract=contract, requirements=requirements)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.review_record(
                contract=contract,
                held_on=d["held_on"],
                progress=form.progress(),
                notes=d["notes"],
                next_review_on=d["next_review_on"],
                early_at_parents_request=d["early_at_parents_request"],
                requested_by=d["requested_by"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, "Review recorded", "#reviews")
    return render(
        request,
        "contracts/form.html",
        {
            "contract": contract,
            "form": form,
            "title": "Record a review",
            "requirements": requirements,
        },
        status=400 if form.errors else 200,
    )


@access.policy(*WRITERS)
def record_non_compliance(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    form = f.NonComplianceForm(_posted(request), contract=contract)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d["parents"] = list(d["parents"])
        try:
            record = services.non_compliance_record(contract=contract, by=request.user, **d)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(
                request, contract, "Non-compliance recorded", f"#non-compliance-{record.pk}"
            )
    return _form_page(
        request, contract, form, "Record non-compliance", status=400 if form.errors else 200
    )


WARNING_MADE = (
    "Warning letter made ({count}): read and approve it, then record when it is sent. "
    "The warning is served when the letter is sent"
)
NO_WARNING_MADE = "No warning letter was made"


def warning_made(letters) -> str:
    """The banner after "Issue a warning letter": made, not served (served means sent)."""
    return WARNING_MADE.format(count=len(letters)) if letters else NO_WARNING_MADE


@require_POST
@access.policy(*WRITERS)
def serve_warning(request: HttpRequest, pk: int, nc_pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    record = ContractNonCompliance.objects.filter(contract=contract, pk=nc_pk).first()
    if record is None:
        raise Http404(access.NOT_FOUND)
    held: list = []
    try:
        letters = services.warning_serve(non_compliance=record, by=request.user, held=held)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(contract)
    for parent in held:
        messages.warning(request, ADDRESS_NEEDED.format(name=parent.full_name))
    return _done(request, contract, warning_made(letters), f"#non-compliance-{record.pk}")


@access.policy(*WRITERS)
def continue_contract(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    form = f.ReasonForm(_posted(request), submit_label="Continue the contract")
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_continue(
                contract=contract, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, "The contract continues")
    return _form_page(
        request, contract, form, "Continue the contract", status=400 if form.errors else 200
    )


@access.policy(*WRITERS)
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    form = f.EndForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_complete(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, "Contract completed")
    return _form_page(
        request, contract, form, "Complete the contract", status=400 if form.errors else 200
    )


@access.policy(*READERS)
def terminate(request: HttpRequest, pk: int) -> HttpResponse:
    """End the contract early: who may is yos.access.termination_refusal (a
    supervisor for a local-authority contract; the school's staff or a
    supervisor for the school's own). Anyone else gets 403 with the reason."""
    contract = access.get_for_user(request.user, ParentingContract, pk)
    refusal = access.termination_refusal(request.user, contract)
    if refusal:
        raise PermissionDenied(refusal)
    form = f.TerminateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_terminate(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, "Contract ended")
    return _form_page(
        request, contract, form, "End the contract early", status=400 if form.errors else 200
    )


@access.policy(Role.CASE_MANAGER)
def request_termination(request: HttpRequest, pk: int) -> HttpResponse:
    """The allocated case manager asks a supervisor to end a local-authority contract."""
    contract = _writable(request, pk)
    refusal = access.termination_request_refusal(request.user, contract)
    if refusal:
        raise PermissionDenied(refusal)
    form = f.TerminationRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.termination_request(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(
                request,
                contract,
                "Request sent: a supervisor will decide whether the contract ends",
                "#termination-requests",
            )
    return _form_page(
        request,
        contract,
        form,
        "Ask a supervisor to end the contract",
        status=400 if form.errors else 200,
        intro="Only a YOS supervisor can end a contract with the local authority. "
        "Say why it should end; the supervisor decides and you will see the decision "
        "on the contract's page.",
    )


@access.policy(Role.SUPERVISOR)
def decide_termination(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    """A supervisor approves or refuses a case manager's request, with a reason."""
    contract = access.get_for_user(request.user, ParentingContract, pk)
    ask = contract.termination_requests.select_related("requested_by").filter(pk=request_pk).first()
    if ask is None:
        raise Http404(access.NOT_FOUND)
    refusal = access.termination_decision_refusal(request.user, contract)
    if refusal:
        raise PermissionDenied(refusal)
    form = f.TerminationDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.termination_decide(
                request=ask,
                approve=form.cleaned_data["approve"],
                reason=form.cleaned_data["decision_reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(
                request,
                contract,
                "Decision saved: the contract was ended"
                if form.cleaned_data["approve"]
                else "Decision saved: the contract continues",
                "#termination-requests",
            )
    ended = ask.ended_on
    return _form_page(
        request,
        contract,
        form,
        "Decide the request to end the contract",
        status=400 if form.errors else 200,
        intro=f"{ask.requested_by} asked on {long_date(ask.requested_at)} for the contract to "
        f"end on {long_date(ended)}: {ask.reason}",
    )


@access.policy(*WRITERS)
def make_referral(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, pk)
    form = f.ReferralForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.referral_make(
                contract=contract,
                made_on=d["made_on"],
                external_reference=d["external_reference"],
                notes=d["notes"],
                letter_upload=d.get("letter"),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, contract, "Referral recorded", "#referrals")
    return _form_page(
        request,
        contract,
        form,
        "Record a referral for statutory attendance intervention",
        status=400 if form.errors else 200,
    )
