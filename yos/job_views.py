"""The supervisors' view of the nightly jobs, and the list of letters."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from contracts.jobs import non_compliance_to_decide
from contracts.models import ContractNonCompliance
from orders.jobs import failures_to_decide
from orders.models import FailureToComply
from yos import access, tasks
from yos.flags import letters_for
from yos.forms import GDSDateField, GDSFormMixin
from yos.letters import due_window_start
from yos.lib.dates import long_date
from yos.models import JobRun, Letter, Role

TO_DECIDE_LIMIT = 50  # rows in the "warnings to decide" section
OLDER_THAN_WINDOW = "Older than {days} days: not sent automatically"
ORDER_NOT_IN_FORCE = "The order is no longer in force"
CONTRACT_NOT_IN_FORCE = "The contract is no longer in force"

DATE_REQUIRED = "Enter the date to run the jobs for"
DATE_IN_FUTURE = "The date to run the jobs for must be today or in the past"
RUN_QUEUED = "The nightly jobs for {day} will run shortly. Refresh this page to see the result."


class RerunForm(GDSFormMixin, forms.Form):
    submit_label = "Run the jobs for this date"
    run_date = GDSDateField(label="Date to run the jobs for")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run_date"].error_messages["required"] = DATE_REQUIRED

    def clean_run_date(self):
        day = self.cleaned_data["run_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(DATE_IN_FUTURE)
        return day


@access.policy(Role.SUPERVISOR, Role.ADMINISTRATOR)
def job_runs(request: HttpRequest) -> HttpResponse:
    """The last nightly job runs, newest first (a failed run shows in red with
    its errors), and a form to run the jobs again for a date."""
    form = RerunForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["run_date"]
        # Sent after the request's transaction commits; a dead broker is logged
        # and the next nightly run does the work.
        tasks.enqueue_on_commit(tasks.run_nightly_jobs, day.isoformat())
        messages.success(request, RUN_QUEUED.format(day=long_date(day)))
        return redirect("job-runs")
    page = Paginator(JobRun.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "yos/jobs.html", {"page": page, "form": form})


LETTER_FILTERS = {
    # ?show= → (tab label, the states listed)
    "": ("All letters", None),
    "unsent": ("Not sent yet", (Letter.Status.DRAFT, Letter.Status.APPROVED)),
    "draft": ("To approve", (Letter.Status.DRAFT,)),
    "approved": ("Approved: ready to send", (Letter.Status.APPROVED,)),
    "sent": ("Sent", (Letter.Status.SENT,)),
    "withdrawn": ("Withdrawn", (Letter.Status.WITHDRAWN,)),
}


@access.policy(Role.CASE_MANAGER, Role.SUPERVISOR, Role.SCHOOL_STAFF)
def letter_list(request: HttpRequest) -> HttpResponse:
    """Letters the user may see, newest first, by state (?show=unsent: drafts
    and approved ones; draft, approved, sent, withdrawn). Shows each
    recipient's preferred language and interpreter need."""
    letters = letters_for(request.user)
    show = request.GET.get("show", "")
    if show not in LETTER_FILTERS:
        show = ""
    states = LETTER_FILTERS[show][1]
    if states:
        letters = letters.filter(status__in=states)
    page = Paginator(letters, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "unsent": show == "unsent",
        "tabs": [(key, label) for key, (label, _states) in LETTER_FILTERS.items()],
        "to_decide": warnings_to_decide(request.user),
        "query": f"show={show}" if show else "",
    }
    return render(request, "yos/flags_letters.html", context)


def warnings_to_decide(user, on=None) -> list[dict]:
    """Failures and non-compliance this user may see that would need a warning
    letter but that the nightly job does not send by itself (too old, or the
    order or contract is no longer in force): the case manager decides.
    Three queries whatever the number of rows."""
    on = on or timezone.localdate()
    oldest = due_window_start(on)
    too_old = OLDER_THAN_WINDOW.format(days=(on - oldest).days)
    failures = (
        access.visible(user, FailureToComply)
        .filter(pk__in=failures_to_decide(on).values("pk"))
        .select_related("parent", "order__child")
        .order_by("-occurred_on", "-id")[:TO_DECIDE_LIMIT]
    )
    records = (
        access.visible(user, ContractNonCompliance)
        .filter(pk__in=non_compliance_to_decide(on).values("pk"))
        .select_related("contract__pupil")
        .prefetch_related("parents")
        .order_by("-noticed_on", "-id")[:TO_DECIDE_LIMIT]
    )
    rows = [
        {
            "what": f"Parenting order: {failure}",
            "on": failure.occurred_on,
            "who": failure.parent.full_name,
            "child": failure.order.child.full_name,
            "why": too_old if failure.occurred_on < oldest else ORDER_NOT_IN_FORCE,
            "url": failure.get_absolute_url(),
        }
        for failure in failures
    ] + [
        {
            "what": f"Parenting contract {record.contract.reference}: non-compliance",
            "on": record.noticed_on,
            "who": ", ".join(parent.full_name for parent in record.parents.all()),
            "child": record.contract.pupil.full_name,
            "why": too_old if record.noticed_on < oldest else CONTRACT_NOT_IN_FORCE,
            "url": record.get_absolute_url(),
        }
        for record in records
    ]
    return sorted(rows, key=lambda row: row["on"], reverse=True)[:TO_DECIDE_LIMIT]
