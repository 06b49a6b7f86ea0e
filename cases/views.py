"""Pages of the case records: find a child; child, family, adult and case
pages with their History tabs; create and edit forms; allocation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cases import selectors, services
from cases.forms import (
    APPROVE,
    STALE_RECORD,
    AdultCreateForm,
    AdultForm,
    AdultLinkForm,
    AllocateForm,
    CaseCloseForm,
    CaseForm,
    CaseOpenForm,
    ChildCreateForm,
    ChildForm,
    ChildSearchForm,
    ChildViewForm,
    ClosureDecisionForm,
    FamilyCreateForm,
    FamilyForm,
    SessionForm,
)
from cases.models import Adult, Case, Child, Family, Session
from yos import access
from yos.extensions import collect
from yos.forms import add_service_errors
from yos.lib.audit import log_read
from yos.lib.history import render_history
from yos.lib.ids import parse_id
from yos.lib.versioning import StaleRecord
from yos.models import Role

CASEWORK = access.CASEWORK
CASE_MANAGER = (Role.CASE_MANAGER,)
GET_POST = require_http_methods(["GET", "POST"])


def _tabs(request: HttpRequest, items: list[tuple[str, str]]) -> list[dict]:
    return [{"label": label, "url": url, "current": request.path == url} for label, url in items]


def _record_tabs(request, record, history_url_name: str) -> list[dict]:
    """Overview and History tabs of a record page."""
    history = reverse(history_url_name, args=[record.pk])
    return _tabs(request, [("Overview", record.get_absolute_url()), ("History", history)])


def child_tabs(request, child):
    return _record_tabs(request, child, "cases:child-history")


def family_tabs(request, family):
    return _record_tabs(request, family, "cases:family-history")


def adult_tabs(request, adult):
    return _record_tabs(request, adult, "cases:adult-history")


def case_tabs(request, case):
    return _record_tabs(request, case, "cases:case-history")


def _form_page(request, form, *, title, back_url, caption="", **extra) -> HttpResponse:
    context = {"form": form, "title": title, "back_url": back_url, "caption": caption, **extra}
    return render(request, "cases/form.html", context)


# --- Find a child ---------------------------------------------------------------


@require_GET
@access.policy(*CASEWORK)
def find_child(request: HttpRequest) -> HttpResponse:
    """Search the children this user may see; filters, sort and pages in the query string."""
    user = request.user
    teams = access.teams_for(user)
    chosen_team = request.GET.get("team", "")
    form = ChildSearchForm(
        request.GET or None,
        case_managers=selectors.case_managers_for_filter(user, parse_id(chosen_team)),
        teams=teams,
    )
    search = selectors.ChildSearch()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        search = selectors.ChildSearch(
            text=data["q"],
            date_of_birth=data["dob"],
            kind=data["kind"],
            status=data["status"],
            case_manager=data["case_manager"].pk if data["case_manager"] else None,
            team=data["team"].pk if data["team"] else None,
            sort=data["sort"],
        )
    page = selectors.child_search_page(
        user, search, after=request.GET.get("after", ""), before=request.GET.get("before", "")
    )
    query = request.GET.copy()
    for key in ("after", "before", "page"):
        query.pop(key, None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "cases/find_child.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "sort": search.sort_key,
            "searched": form.is_bound,
        },
    )


# --- Families -------------------------------------------------------------------


@GET_POST
@access.policy(*CASE_MANAGER)
def add_family(request: HttpRequest) -> HttpResponse:
    """A case manager adds a family, allocated to themselves in their team."""
    teams = list(request.user.teams.all())
    form = FamilyCreateForm(request.POST if request.method == "POST" else None, teams=teams)
    if not teams:
        form.add_error(None, "You are not in a team: ask an administrator to add you to one")
    elif request.method == "POST" and form.is_valid():
        team = form.cleaned_data.get("team") or teams[0]
        family = services.family_create(
            name=form.cleaned_data["name"],
            address=form.cleaned_data["address"],
            notes=form.cleaned_data["notes"],
            team=team,
            case_manager=request.user,
            by=request.user,
        )
        messages.success(request, "Family added. Now add the children.")
        return redirect(family)
    return _form_page(request, form, title="Add a family", back_url=reverse("home"))


@access.policy(*CASEWORK)
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    family = selectors.family_for_page(request.user, pk)
    log_read(request, family)
    return render(
        request,
        "cases/family_detail.html",
        {
            "family": family,
            "tabs": family_tabs(request, family),
            "can_change": access.can_change(request.user, family),
            "can_allocate": access.can_allocate(request.user),
            "panels": collect("family_panels", request.user, family),
        },
    )


@access.policy(*CASEWORK)
def family_history(request: HttpRequest, pk: int) -> HttpResponse:
    family = access.get_for_user(request.user, Family, pk)
    return render_history(
        request,
        family,
        template="cases/history.html",
        context={"title": f"{family.name} family", "tabs": family_tabs(request, family)},
    )


@GET_POST
@access.policy(*CASEWORK)
def edit_family(request: HttpRequest, pk: int) -> HttpResponse:
    family = access.get_for_user(request.user, Family, pk, write=True)
    form = FamilyForm(request.POST if request.method == "POST" else None, instance=family)
    if request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data[k] for k in FamilyForm.Meta.fields}
        try:
            services.family_update(
                family=family,
                changes=changes,
                loaded_version=form.cleaned_data["loaded_version"],
                by=request.user,
            )
        except StaleRecord:
            form.add_error(None, STALE_RECORD)
        else:
            messages.success(request, "Family details saved")
            return redirect(family)
    return _form_page(
        request,
        form,
        title="Change family details",
        caption=f"{family.name} family",
        back_url=family.get_absolute_url(),
    )


@GET_POST
@access.policy(Role.SUPERVISOR)
def allocate_family(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor allocates the family to (or moves it to) a case manager."""
    family = access.get_for_user(request.user, Family.objects.select_related("case_manager"), pk)
    candidates = services.allocation_candidates(family=family, by=request.user).order_by(
        "last_name", "first_name"
    )
    form = AllocateForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={"case_manager": family.case_manager_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.family_allocate(
                family=family, case_manager=form.cleaned_data["case_manager"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Family allocated to {form.cleaned_data['case_manager']}")
            return redirect(family)
    return _form_page(
        request,
        form,
        title="Allocate the family",
        caption=f"{family.name} family",
        back_url=family.get_absolute_url(),
        current=family.case_manager,
        allocating=True,
    )


# --- Children -------------------------------------------------------------------


@GET_POST
@access.policy(*CASEWORK)
def add_child(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a child to a family; a possible duplicate is shown before creating."""
    family = access.get_for_user(request.user, Family, pk, write=True)
    form = ChildCreateForm(request.POST if request.method == "POST" else None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_create(
                family=family,
                confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"],
                by=request.user,
                **form.changes(),
            )
        except services.PossibleDuplicate as found:
            duplicates = found.existing
            form.ask_to_confirm()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{child.full_name} added")
            return redirect(child)
    return _form_page(
        request,
        form,
        title="Add a child",
        caption=f"{family.name} family",
        back_url=family.get_absolute_url(),
        duplicates=duplicates,
    )


# A page that only reads (and logs the read, a single INSERT that commits on
# its own) gains nothing from ATOMIC_REQUESTS: under READ COMMITTED each
# statement reads its own snapshot either way. Without it, BEGIN and COMMIT
# are two round trips fewer on the busiest page.
@transaction.non_atomic_requests
@access.policy(*CASEWORK)
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.child_for_page(request.user, pk)
    log_read(request, child)
    return render(
        request,
        "cases/child_detail.html",
        {
            "child": child,
            "tabs": child_tabs(request, child),
            "sessions": selectors.child_sessions(child),
            "timeline": selectors.child_timeline(request.user, child),
            "panels": collect("child_panels", request.user, child),
            "can_change": child.user_can_change,
        },
    )


@access.policy(*CASEWORK)
def child_history(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.child_for_page(request.user, pk)
    return render_history(
        request,
        child,
        template="cases/history.html",
        records=selectors.child_history_records(child),
        context={"title": child.full_name, "tabs": child_tabs(request, child)},
    )


@GET_POST
@access.policy(*CASEWORK)
def edit_child(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.get_for_user(request.user, Child, pk, write=True)
    form = ChildForm(request.POST if request.method == "POST" else None, instance=child)
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(
                child=child,
                changes=form.changes(),
                loaded_version=form.cleaned_data["loaded_version"],
                by=request.user,
            )
        except StaleRecord:
            form.add_error(None, STALE_RECORD)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Child's details saved")
            return redirect(child)
    return _form_page(
        request,
        form,
        title="Change the child's details",
        caption=child.full_name,
        back_url=child.get_absolute_url(),
    )


@GET_POST
@access.policy(*CASEWORK)
def record_views(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.get_for_user(request.user, Child, pk, write=True)
    form = ChildViewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.child_view_record(child=child, by=request.user, **form.cleaned_data)
        messages.success(request, "Views, wishes and feelings recorded")
        return redirect(child.get_absolute_url() + "#views")
    return _form_page(
        request,
        form,
        title="Record the child's views, wishes and feelings",
        caption=child.full_name,
        back_url=child.get_absolute_url(),
    )


# --- Adults ---------------------------------------------------------------------


@GET_POST
@access.policy(*CASEWORK)
def add_adult(request: HttpRequest, pk: int) -> HttpResponse:
    family = access.get_for_user(request.user, Family, pk, write=True)
    form = AdultCreateForm(
        request.POST if request.method == "POST" else None, children=family.children.all()
    )
    if request.method == "POST" and form.is_valid():
        try:
            adult = services.adult_create(
                family=family, links=form.links(), by=request.user, **form.changes()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{adult.full_name} added")
            return redirect(family)
    return _form_page(
        request,
        form,
        title="Add a parent or carer",
        caption=f"{family.name} family",
        back_url=family.get_absolute_url(),
    )


@access.policy(*CASEWORK)
def adult_detail(request: HttpRequest, pk: int) -> HttpResponse:
    adult = selectors.adult_for_page(request.user, pk)
    log_read(request, adult)
    return render(
        request,
        "cases/adult_detail.html",
        {
            "adult": adult,
            "tabs": adult_tabs(request, adult),
            "can_change": access.can_change(request.user, adult),
        },
    )


@access.policy(*CASEWORK)
def adult_history(request: HttpRequest, pk: int) -> HttpResponse:
    adult = selectors.adult_for_page(request.user, pk)
    return render_history(
        request,
        adult,
        template="cases/history.html",
        records=[adult, *adult.child_links.all()],
        context={"title": adult.full_name, "tabs": adult_tabs(request, adult)},
    )


@GET_POST
@access.policy(*CASEWORK)
def edit_adult(request: HttpRequest, pk: int) -> HttpResponse:
    adult = access.get_for_user(request.user, Adult, pk, write=True)
    form = AdultForm(request.POST if request.method == "POST" else None, instance=adult)
    if request.method == "POST" and form.is_valid():
        try:
            services.adult_update(
                adult=adult,
                changes=form.changes(),
                loaded_version=form.cleaned_data["loaded_version"],
                by=request.user,
            )
        except StaleRecord:
            form.add_error(None, STALE_RECORD)
        else:
            messages.success(request, "Details saved")
            return redirect(adult)
    return _form_page(
        request,
        form,
        title="Change a parent's or carer's details",
        caption=adult.full_name,
        back_url=adult.get_absolute_url(),
    )


@GET_POST
@access.policy(*CASEWORK)
def link_child(request: HttpRequest, pk: int) -> HttpResponse:
    """Record (or change) how an adult is related to a child of the family."""
    adult = access.get_for_user(request.user, Adult, pk, write=True)
    form = AdultLinkForm(
        request.POST if request.method == "POST" else None, children=adult.family.children.all()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.adult_link_child(adult=adult, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Relationship saved")
            return redirect(adult)
    return _form_page(
        request,
        form,
        title="Relationship to a child",
        caption=adult.full_name,
        back_url=adult.get_absolute_url(),
    )


# --- Cases ----------------------------------------------------------------------


@GET_POST
@access.policy(*CASEWORK)
def open_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a case; prevention work outside ages 7 to 17 asks for confirmation."""
    child = access.get_for_user(request.user, Child, pk, write=True)
    form = CaseOpenForm(
        request.POST if request.method == "POST" else None, instance=Case(child=child)
    )
    warning = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        warning = services.case_age_warning(
            child=child, kind=data["kind"], on=data["opened_on"] or data["referred_on"]
        )
        try:
            if warning and not data["confirm_age"]:
                form.ask_to_confirm()
            else:
                case = services.case_open(
                    child=child,
                    by=request.user,
                    confirm_age=data["confirm_age"],
                    **{k: data[k] for k in CaseOpenForm.Meta.fields},
                )
                messages.success(request, "Case opened")
                return redirect(case)
        except ValidationError as error:
            add_service_errors(form, error)
    return _form_page(
        request,
        form,
        title="Open a case",
        caption=child.full_name,
        back_url=child.get_absolute_url(),
        warning=warning,
    )


@access.policy(*CASEWORK)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_page(request.user, pk)
    log_read(request, case)
    closure = selectors.case_closure_state(request.user, case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "tabs": case_tabs(request, case),
            "can_change": access.can_change(request.user, case),
            **closure,
        },
    )


@access.policy(*CASEWORK)
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_page(request.user, pk)
    return render_history(
        request,
        case,
        template="cases/history.html",
        records=[case, *case.sessions.all(), *case.closure_requests.all()],
        context={"title": case.title, "tabs": case_tabs(request, case)},
    )


@GET_POST
@access.policy(*CASEWORK)
def edit_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_for_user(request.user, Case.objects.select_related("child"), pk, write=True)
    form = CaseForm(request.POST if request.method == "POST" else None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                case=case,
                changes=form.changes(),
                loaded_version=form.cleaned_data["loaded_version"],
                by=request.user,
            )
        except StaleRecord:
            form.add_error(None, STALE_RECORD)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Case saved")
            return redirect(case)
    return _form_page(
        request, form, title="Change the case", caption=case.title, back_url=case.get_absolute_url()
    )


@GET_POST
@access.policy(*CASEWORK)
def close_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The case manager asks a supervisor to close the case."""
    case = access.get_for_user(request.user, Case.objects.select_related("child"), pk, write=True)
    form = CaseCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_closure_request(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Closure asked for: a supervisor of the team will decide")
            return redirect(case)
    return _form_page(
        request,
        form,
        title="Ask to close the case",
        caption=case.title,
        back_url=case.get_absolute_url(),
    )


@GET_POST
@access.policy(Role.SUPERVISOR)
def decide_closure(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor of the family's team approves (the case closes) or refuses
    the request waiting on this case."""
    case = access.get_for_user(request.user, Case.objects.select_related("child"), pk)
    pending = services.pending_closure_request(case)
    form = ClosureDecisionForm(request.POST if request.method == "POST" and pending else None)
    if pending and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == APPROVE:
                services.case_closure_approve(request=pending, by=request.user)
            else:
                services.case_closure_refuse(
                    request=pending, refusal_reason=data["refusal_reason"], by=request.user
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = "Closure approved: the case is closed"
            messages.success(request, done if data["decision"] == APPROVE else "Closure refused")
            return redirect(case)
    return render(
        request,
        "cases/closure_decision.html",
        {
            "form": form,
            "case": case,
            "pending": pending,
            "title": "Decide on closing the case",
            "caption": case.title,
            "back_url": case.get_absolute_url(),
        },
    )


# --- Sessions -------------------------------------------------------------------


@GET_POST
@access.policy(*CASEWORK)
def record_session(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_for_user(request.user, Case.objects.select_related("child"), pk, write=True)
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_record(
                case=case,
                kind=data["kind"],
                starts_at=form.starts_at(),
                attendance=data["attendance"],
                absence_reason=data["absence_reason"],
                notes=data["notes"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Session recorded")
            return redirect(case)
    return _form_page(
        request,
        form,
        title="Record a session",
        caption=case.title,
        back_url=case.get_absolute_url(),
    )


@GET_POST
@access.policy(*CASEWORK)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_for_user(
        request.user, Session.objects.select_related("case", "case__child"), pk, write=True
    )
    form = SessionForm(
        request.POST if request.method == "POST" else None, initial=SessionForm.initial_for(session)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_update(
                session=session,
                changes={
                    "kind": data["kind"],
                    "starts_at": form.starts_at(),
                    "attendance": data["attendance"],
                    "absence_reason": data["absence_reason"],
                    "notes": data["notes"],
                },
                loaded_version=data["loaded_version"],
                by=request.user,
            )
        except StaleRecord:
            form.add_error(None, STALE_RECORD)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Session saved")
            return redirect(session.case)
    return _form_page(
        request,
        form,
        title="Change a session",
        caption=session.case.title,
        back_url=session.case.get_absolute_url(),
    )
