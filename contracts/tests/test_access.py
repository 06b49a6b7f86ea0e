"""Who reaches what: another school's staff see nothing of a contract (404),
school staff see no child, family, case, order or victim page (404), and the
lists cost a fixed number of queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.tests.factories import CaseFactory, SessionFactory
from contracts import selectors, services
from contracts.models import ContractSignature, ParentingContract
from contracts.tests import factories as cf
from tests.urlwalk import walk
from yos.tests import samples

pytestmark = pytest.mark.django_db

PNG = samples.png()


def kwarg_names(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def routes(namespace: str):
    return [(route, name) for route, name, _cb in walk() if name.startswith(f"{namespace}:")]


@pytest.fixture
def warned(school, school_staff):
    """A contract at the first school with a warning served and a scanned signature."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    pupil, parents = cf.pupil_with_parents(school)
    contract = cf.finalised(pupil, parents, school_staff)
    services.signature_record(
        contract=contract,
        signer_kind=ContractSignature.SignerKind.PARENT,
        name=parents[0].full_name,
        adult=parents[0],
        method=ContractSignature.Method.SCANNED,
        scan=SimpleUploadedFile("s.png", PNG),
        by=school_staff,
    )
    cf.sign_parent(contract, parents[1], school_staff)
    cf.sign_staff(contract, school_staff)
    record = cf.non_compliance(contract, school_staff)
    cf.warning_served(contract, school_staff, record)
    contract.refresh_from_db()
    return contract, record


def test_another_schools_staff_get_404_on_every_contract_url_of_the_first(
    client_for, warned, other_school_staff
):
    contract, record = warned
    client = client_for(other_school_staff)
    kwargs_for = {
        "pk": contract.pk,
        "child_pk": contract.pupil_id,
        "nc_pk": record.pk,
        "request_pk": 1,
    }
    checked = []
    for route, name in routes("contracts"):
        names = kwarg_names(route)
        if not names:
            continue  # the lists: checked below
        url = reverse(name, kwargs={n: kwargs_for[n] for n in names})
        statuses = {client.get(url).status_code, client.post(url, {}).status_code}
        # POST-only actions answer a GET with 405 before looking anything up
        assert 404 in statuses and statuses <= {404, 405}, (url, statuses)
        checked.append(name)
    assert len(checked) >= 18
    assert "contracts:detail" in checked and "contracts:serve-warning" in checked
    documents = [d.document for d in contract.documents.all()]
    documents += [s.scan for s in contract.signatures.exclude(scan=None)]
    documents += [letter.document for letter in record.warning_letters.all()]
    assert len(documents) == 4
    for document in documents:
        assert client.get(document.get_absolute_url()).status_code == 404
    page = client.get(reverse("contracts:list")).content.decode()
    assert contract.reference not in page
    assert (
        contract.pupil.full_name
        not in client.get(reverse("contracts:choose-pupil")).content.decode()
    )


def test_the_own_schools_staff_reach_the_same_documents(client_for, warned, school_staff):
    contract, record = warned
    client = client_for(school_staff)
    assert client.get(contract.get_absolute_url()).status_code == 200
    for letter in record.warning_letters.all():
        assert client.get(letter.document.get_absolute_url()).status_code == 200


def test_school_staff_get_404_on_every_child_family_case_order_and_victim_url(
    client_for, school_staff, school
):
    from orders.tests.factories import ParentingOrderFactory

    pupil, parents = cf.pupil_with_parents(school)
    case = CaseFactory(child=pupil)
    session = SessionFactory(case=case)
    order = ParentingOrderFactory(case__child=pupil)
    cf.active(pupil, parents, school_staff)  # a contract of this very pupil
    by_segment = {
        "families": pupil.family_id,
        "children": pupil.pk,
        "adults": parents[0].pk,
        "cases": case.pk,
        "sessions": session.pk,
    }
    client = client_for(school_staff)
    checked = []
    for namespace in ("cases", "orders", "victims"):
        for route, name in routes(namespace):
            names = kwarg_names(route)
            kwargs = {}
            for kwarg in names:
                if kwarg == "case_pk":
                    kwargs[kwarg] = case.pk
                elif namespace == "cases":
                    kwargs[kwarg] = by_segment[route.split("/")[1]]
                elif namespace == "orders":
                    kwargs[kwarg] = order.pk
                else:
                    kwargs[kwarg] = 1
            url = reverse(name, kwargs=kwargs)
            statuses = {client.get(url).status_code, client.post(url, {}).status_code}
            assert 404 in statuses and statuses <= {404, 405}, (url, statuses)
            checked.append(name)
    assert {"cases:child-detail", "cases:family-detail", "cases:case-detail"} <= set(checked)
    assert "orders:order-detail" in checked


def test_case_managers_read_their_teams_contracts_not_another_teams(
    client_for, case_manager, outsider, school, team, school_staff
):
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    contract = cf.draft(pupil, parents, school_staff)
    assert client_for(case_manager).get(contract.get_absolute_url()).status_code == 200
    assert client_for(outsider).get(contract.get_absolute_url()).status_code == 404


def test_victim_workers_and_administrators_see_no_contract(
    client_for, victim_worker, administrator, school, school_staff
):
    pupil, parents = cf.pupil_with_parents(school)
    contract = cf.draft(pupil, parents, school_staff)
    for user in (victim_worker, administrator):
        client = client_for(user)
        assert client.get(contract.get_absolute_url()).status_code == 404
        assert client.get(reverse("contracts:list")).status_code == 404


def _count(callable_) -> int:
    with CaptureQueriesContext(connection) as ctx:
        callable_()
    return len(ctx.captured_queries)


def _drafts(school, staff, n):
    for _ in range(n):
        pupil, parents = cf.pupil_with_parents(school)
        cf.draft(pupil, parents, staff)


def test_the_contract_list_costs_the_same_for_5_and_50_contracts(client_for, school, school_staff):
    client = client_for(school_staff)
    url = reverse("contracts:list")
    _drafts(school, school_staff, 5)
    client.get(url)  # warm the session and the user
    five = _count(lambda: client.get(url))
    _drafts(school, school_staff, 45)
    assert ParentingContract.objects.count() == 50
    fifty = _count(lambda: client.get(url))
    assert five == fifty


def test_the_home_panel_costs_the_same_for_5_and_50_contracts(client_for, school, school_staff):
    client = client_for(school_staff)
    _drafts(school, school_staff, 5)
    ParentingContract.objects.update(status="awaiting_signatures", consent_given=True)
    client.get("/")
    five = _count(lambda: client.get("/"))
    _drafts(school, school_staff, 45)
    ParentingContract.objects.update(status="awaiting_signatures", consent_given=True)
    response = client.get("/")
    assert response.content.decode().count("Awaiting signatures") == 50
    assert five == _count(lambda: client.get("/"))


def test_the_contract_page_costs_the_same_for_5_and_50_requirements(
    client_for, school, school_staff
):
    pupil, parents = cf.pupil_with_parents(school)
    contract = cf.draft(pupil, parents, school_staff)
    cf.add_requirements(contract, school_staff, n=5)
    client = client_for(school_staff)
    client.get(contract.get_absolute_url())
    five = _count(lambda: client.get(contract.get_absolute_url()))
    for i in range(45):
        services.requirement_add(
            contract=contract,
            kind=cf.kind(),
            action=f"Action {i}",
            measure="Register",
            owner="Parents",
            due_on=dt.date(2026, 12, 1),
            by=school_staff,
        )
    assert five == _count(lambda: client.get(contract.get_absolute_url()))


def test_child_and_family_panels_show_the_contracts_to_case_managers(
    case_manager, school, team, school_staff
):
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    contract = cf.finalised(pupil, parents, school_staff)
    [panel] = selectors.child_panels(case_manager, pupil)
    assert panel["contracts"] == [contract]
    assert panel["new_url"] == reverse("contracts:draft", args=[pupil.pk])
    [panel] = selectors.family_panels(case_manager, pupil.family)
    assert panel["contracts"] == [contract]
    events = selectors.timeline_events(case_manager, pupil)
    assert [e.title for e in events] == [
        f"Parenting contract {contract.reference}: awaiting signatures"
    ]


def test_hooks_show_nothing_to_another_team(outsider, school, team, school_staff):
    pupil, parents = cf.pupil_with_parents(school, team=team)
    cf.draft(pupil, parents, school_staff)
    assert selectors.child_panels(outsider, pupil)[0]["contracts"] == []
    assert selectors.timeline_events(outsider, pupil) == []


def test_the_child_and_family_pages_show_the_contract_and_the_timeline(
    client_for, case_manager, school, team, school_staff
):
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    contract = cf.finalised(pupil, parents, school_staff)
    client = client_for(case_manager)
    child_page = client.get(reverse("cases:child-detail", args=[pupil.pk])).content.decode()
    assert contract.get_absolute_url() in child_page
    assert f"Parenting contract {contract.reference}: awaiting signatures" in child_page
    family_page = client.get(reverse("cases:family-detail", args=[pupil.family_id]))
    assert contract.get_absolute_url() in family_page.content.decode()
