"""No victim's identity or contact details reach anyone but victim workers.

Issue 6: "for each non-victim role, render every page, timeline, history view,
export and PDF the app offers … and assert that no victim's name, address,
phone or email appears anywhere in the responses." The walk covers every URL
pattern of the project (tests/urlwalk.py) with every small record id, so pages
that other apps add later are walked too; list pages are also searched for the
victim's name.
"""

import datetime as dt
import re

import pytest
from django.test import Client

from cases.tests.factories import AdultChildFactory, CaseFactory, ChildFactory, FamilyFactory
from tests.urlwalk import walk
from victims.models import RJChoice, VictimKind
from victims.tests.factories import (
    ReparationFactory,
    RestorativeJusticeWorkFactory,
    VictimContactFactory,
    VictimFactory,
    VictimOffenceFactory,
    VictimUpdateFactory,
)

pytestmark = pytest.mark.django_db

PERSON = {
    "name": "Zqxperson Canaryname",
    "address": "7 Zqxcanary Street, Demo Town",
    "phone": "07700 900987",
    "email": "zqx.person@example.invalid",
    "representative_name": "Zqxparent Canaryname",
    "representative_phone": "07700 900988",
}
ORGANISATION = {
    "name": "Zqxshop Canary Ltd",
    "contact_person": "Zqxmanager Canaryname",
    "address": "9 Zqxmarket Row, Demo Town",
    "phone": "01632 960987",
    "email": "zqx.shop@example.invalid",
}
CANARIES = [*PERSON.values(), *ORGANISATION.values()]
SKIP_PREFIXES = ("admin/", "sign-out/", "static/")
MAX_ID = 3  # every factory-made record here has an id of 1 to 3


@pytest.fixture
def world(team, school, case_manager, supervisor, school_staff, victim_worker):
    family = FamilyFactory(team=team, case_manager=case_manager)
    child = ChildFactory(family=family, school=school)
    AdultChildFactory(child=child, adult__family=family)
    case = CaseFactory(child=child, offence="Criminal damage", offence_date=dt.date(2026, 8, 1))
    other_case = CaseFactory(child=child, offence="Theft from a shop")
    person = VictimFactory(enhanced_rights=True, enhanced_rights_reason="Vulnerable", **PERSON)
    shop = VictimFactory(kind=VictimKind.ORGANISATION, **ORGANISATION)
    for victim, on_case in ((person, case), (shop, other_case), (shop, case)):
        VictimOffenceFactory(victim=victim, case=on_case)
    VictimContactFactory(
        victim=person,
        by=victim_worker,
        contacted_on=dt.date(2026, 11, 3),
        choice=RJChoice.INDIRECT_LETTER,
        wants_updates=True,
        notes=f"Spoke to {PERSON['name']} at {PERSON['address']}",
    )
    VictimContactFactory(
        victim=shop,
        by=victim_worker,
        choice=RJChoice.DIRECT_CONFERENCE,
        consent_given=True,
        consent_on=dt.date(2026, 11, 3),
    )
    VictimUpdateFactory(victim=person, by=victim_worker, text=f"Wrote to {PERSON['email']}")
    RestorativeJusticeWorkFactory(
        offence=shop.offences.first(), participants=ORGANISATION["contact_person"]
    )
    ReparationFactory(case=case)
    return {"child": child, "case": case}


def _urls(route: str) -> list[str]:
    """Concrete URLs for a route: each path parameter filled with 1..MAX_ID."""
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not params:
        return ["/" + route]
    urls = []
    for value in range(1, MAX_ID + 1):
        path = re.sub(r"<(?:\w+:)?\w+>", str(value), route)
        urls.append("/" + path)
    return urls


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    text = content.decode("utf-8", errors="replace")
    if content.startswith(b"%PDF"):
        from io import BytesIO

        from pypdf import PdfReader

        text += "".join(page.extract_text() or "" for page in PdfReader(BytesIO(content)).pages)
    return headers + text


@pytest.mark.parametrize("persona", ["case_manager", "supervisor", "school_staff"])
def test_no_victim_detail_reaches_a_non_victim_role(world, persona, request):
    user = request.getfixturevalue(persona)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    seen_ok = 0
    leaks = []
    for route, _name, _callback in walk():
        if route.startswith(SKIP_PREFIXES):
            continue
        for url in _urls(route):
            queries = [""]
            if "<" not in route:
                # Lists and searches: look for the victims by the first word of
                # their names (an echo of the query is not a canary; a hit is).
                queries += ["?q=Zqxperson&name=Zqxperson&search=Zqxperson", "?q=Zqxshop"]
            for query in queries:
                response = client.get(url + query)
                seen_ok += response.status_code == 200
                body = _body(response)
                leaks += [(url + query, canary) for canary in CANARIES if canary in body]
    assert leaks == []
    assert seen_ok >= 2  # the walk really rendered pages for this role


def test_the_child_page_shows_the_case_manager_the_anonymised_line(world, case_manager):
    client = Client()
    client.force_login(case_manager)
    body = client.get(world["child"].get_absolute_url()).content.decode()
    assert (
        "Victim of criminal damage: first contact made on 3 November 2026, "
        "chose indirect restorative justice"
    ) in body
    assert "Victim of theft from a shop: first contact made on" in body
    for canary in CANARIES:
        assert canary not in body


def test_the_victim_worker_does_see_the_details(world, victim_worker):
    """The canaries are real: the one role that may see them does."""
    client = Client()
    client.force_login(victim_worker)
    body = client.get("/victims/").content.decode()
    assert PERSON["name"] in body and ORGANISATION["name"] in body
