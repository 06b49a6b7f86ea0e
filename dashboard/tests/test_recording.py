"""Recording the events the YJB KPIs need: the allocated case manager records
them from the child's page; others cannot; bad input saves nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseKind
from cases.tests.factories import CaseFactory, ChildFactory, FamilyFactory
from dashboard.forms import (
    ACCOMMODATION_REQUIRED,
    ATTENDING_WITHOUT_OFFER,
    END_IN_FUTURE,
    ETE_REQUIRED,
    HOURS_TOO_MANY,
    OFFER_WITHOUT_NEED,
    FilterForm,
)
from dashboard.models import NeedsScreening, OrderEndOutcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(team, case_manager):
    child = ChildFactory(family=FamilyFactory(team=team, case_manager=case_manager))
    return CaseFactory(child=child, kind=CaseKind.YRO)


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_case_manager_records_end_of_order_outcomes(client_for, case_manager, case):
    url = reverse("dashboard:record-outcome", args=[case.pk])
    data = {
        **_date("recorded_on", dt.date(2026, 10, 1)),
        "accommodation_suitable": "yes",
        "ete_suitable": "no",
        "ete_hours": "12",
    }
    response = client_for(case_manager).post(url, data)
    assert response.status_code == 302
    assert response["Location"] == case.child.get_absolute_url() + "#kpi-events"
    outcome = OrderEndOutcome.objects.get(case=case)
    assert (outcome.accommodation_suitable, outcome.ete_suitable, outcome.ete_hours) == (
        True,
        False,
        12,
    )
    assert outcome.recorded_by == case_manager
    assert outcome.history.get().history_user == case_manager


def test_missing_answers_show_plain_english_errors_and_save_nothing(client_for, case_manager, case):
    url = reverse("dashboard:record-outcome", args=[case.pk])
    data = {**_date("recorded_on", dt.date(2026, 10, 1)), "ete_hours": "200"}
    response = client_for(case_manager).post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["accommodation_suitable"] == [ACCOMMODATION_REQUIRED]
    assert errors["ete_suitable"] == [ETE_REQUIRED]
    assert errors["ete_hours"] == [HOURS_TOO_MANY]
    assert ACCOMMODATION_REQUIRED in response.content.decode()
    assert not OrderEndOutcome.objects.exists()


def test_the_case_manager_records_a_needs_screening(client_for, case_manager, case):
    url = reverse("dashboard:record-screening", args=[case.pk])
    data = {
        "need": "substance_misuse",
        **_date("screened_on", dt.date(2026, 9, 1)),
        "identified": "yes",
        "support_offered": "on",
        "attending": "on",
    }
    assert client_for(case_manager).post(url, data).status_code == 302
    screening = NeedsScreening.objects.get(case=case)
    assert (screening.need, screening.identified, screening.attending) == (
        "substance_misuse",
        True,
        True,
    )


def test_support_needs_an_identified_need_and_attending_needs_an_offer(
    client_for, case_manager, case
):
    url = reverse("dashboard:record-screening", args=[case.pk])
    client = client_for(case_manager)
    base = {"need": "mental_health", **_date("screened_on", dt.date(2026, 9, 1))}
    response = client.post(url, {**base, "identified": "no", "support_offered": "on"})
    assert response.context["form"].errors["support_offered"] == [OFFER_WITHOUT_NEED]
    response = client.post(url, {**base, "identified": "yes", "attending": "on"})
    assert response.context["form"].errors["support_offered"] == [ATTENDING_WITHOUT_OFFER]
    assert not NeedsScreening.objects.exists()


def test_a_colleague_gets_403_and_an_outsider_404(client_for, colleague, outsider, case):
    url = reverse("dashboard:record-outcome", args=[case.pk])
    assert client_for(colleague).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_supervisors_and_other_roles_cannot_record(client_for, supervisor, victim_worker, case):
    url = reverse("dashboard:record-screening", args=[case.pk])
    assert client_for(supervisor).get(url).status_code == 404
    assert client_for(victim_worker).get(url).status_code == 404


def test_the_child_page_shows_the_kpi_events_with_links_for_the_case_manager(
    client_for, case_manager, supervisor, case
):
    OrderEndOutcome.objects.create(
        case=case,
        recorded_on=dt.date(2026, 10, 1),
        accommodation_suitable=False,
        ete_suitable=True,
        recorded_by=case_manager,
    )
    html = client_for(case_manager).get(case.child.get_absolute_url()).content.decode()
    assert "Outcomes for the Youth Justice Board" in html
    assert reverse("dashboard:record-outcome", args=[case.pk]) in html
    html = client_for(supervisor).get(case.child.get_absolute_url()).content.decode()
    assert "Not suitable" in html
    assert reverse("dashboard:record-outcome", args=[case.pk]) not in html


def test_the_filter_refuses_an_end_date_in_the_future(team):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = FilterForm(
        {**_date("start", dt.date(2026, 1, 1)), **_date("end", tomorrow)}, teams=[team]
    )
    assert form.errors["end"] == [END_IN_FUTURE]
