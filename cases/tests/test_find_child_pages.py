"""Find a child at national scale: keyset pages (Next/Previous carry the last
row's sort key and id, so page N costs what page 1 does), no COUNT query, and
the name search (pg_trgm similarity on PostgreSQL, words on SQLite).

Issue 10: "keyset pagination on long lists … no exact COUNT(*) over millions";
name-search: "a misspelt name ("Jonh Smth")"."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import selectors
from cases.models import CaseStatus
from cases.tests.factories import CaseFactory, ChildFactory, FamilyFactory

pytestmark = pytest.mark.django_db

URL = reverse("cases:find-child")
PAGE = 4
DATES = [dt.date(2011, 5, 17), dt.date(2012, 1, 9), dt.date(2010, 12, 30)]


@pytest.fixture
def children(team, case_manager, colleague, monkeypatch):
    """13 children with ties on every sort key (the same last name in two
    families, three first names, three dates of birth, one family unallocated),
    shown 4 to a page."""
    monkeypatch.setattr(selectors, "PAGE_SIZE", PAGE)
    families = [
        FamilyFactory(team=team, case_manager=case_manager, name="Abbott"),
        FamilyFactory(team=team, case_manager=colleague, name="Abbott"),
        FamilyFactory(team=team, case_manager=None, name="Baker"),
    ]
    made = []
    for i in range(13):
        child = ChildFactory(
            family=families[i % 3],
            first_name=["Ann", "Ben", "Cal"][(i // 3) % 3],
            date_of_birth=DATES[i % 3],
        )
        CaseFactory(child=child, status=CaseStatus.OPEN)
        made.append(child)
    return made


def walk(client, query: str, *, key: str = "after", cursor: str = "") -> list:
    """Every page reached by following one link (Next, or Previous) from the first."""
    pages = []
    while True:
        url = URL + query + (f"&{key}={cursor}" if cursor else "")
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        pages.append(page)
        cursor = page.next_cursor if key == "after" else page.previous_cursor
        if not cursor:
            return pages


def rows(pages) -> list:
    return [child for page in pages for child in page.object_list]


@pytest.mark.parametrize("sort", [s for s in selectors.SORTS if s != "relevance"])
def test_each_page_follows_on_from_the_last_with_no_overlap_and_no_gap(
    client_for, supervisor, children, sort
):
    client = client_for(supervisor)
    everyone = list(selectors.child_search(supervisor, selectors.ChildSearch(sort=sort)))
    assert sorted(c.pk for c in everyone) == sorted(c.pk for c in children)

    forward = walk(client, f"?sort={sort}")
    assert [len(p.object_list) for p in forward] == [4, 4, 4, 1]
    assert rows(forward) == everyone
    assert not forward[0].previous_cursor

    # And back again from the last page by Previous, to page 1.
    backward = walk(client, f"?sort={sort}", key="before", cursor=forward[-1].previous_cursor)
    assert rows(reversed(backward)) == everyone[:12]
    assert [p.object_list for p in reversed(backward)] == [p.object_list for p in forward[:3]]


def test_the_list_sends_no_count_query_and_page_3_costs_what_page_1_does(
    client_for, supervisor, children
):
    client = client_for(supervisor)
    client.get(URL)  # warm up: the first request of a session reads caches
    with CaptureQueriesContext(connection) as first:
        page_1 = client.get(URL + "?sort=dob")
    cursor = page_1.context["page"].next_cursor
    cursor = client.get(URL + f"?sort=dob&after={cursor}").context["page"].next_cursor
    with CaptureQueriesContext(connection) as third:
        client.get(URL + f"?sort=dob&after={cursor}")
    sql = [q["sql"] for q in first.captured_queries + third.captured_queries]
    assert not [s for s in sql if "COUNT(" in s.upper()]
    assert len(third.captured_queries) == len(first.captured_queries)


def test_the_list_shows_the_open_cases_of_each_child_on_the_page(
    client_for, supervisor, children, monkeypatch
):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 50)
    CaseFactory(child=children[0], status=CaseStatus.OPEN)
    CaseFactory(child=children[0], status=CaseStatus.REFERRED, opened_on=None)
    page = client_for(supervisor).get(URL + "?sort=dob").context["page"]
    counts = {c.pk: c.open_cases for c in page.object_list}
    assert counts[children[0].pk] == 2
    assert set(counts.values()) == {1, 2}


def test_a_total_above_1000_is_shown_as_more_than_1000(
    client_for, supervisor, monkeypatch, children
):
    monkeypatch.setattr(selectors, "COUNT_CAP", 10)
    response = client_for(supervisor).get(URL)
    assert response.context["page"].count == 11  # stops at the cap + 1
    assert b"More than 1,000 children" in response.content
    monkeypatch.setattr(selectors, "COUNT_CAP", 1000)
    response = client_for(supervisor).get(URL)
    assert b"13 children" in response.content


def test_an_edited_cursor_starts_the_list_again_at_page_1(client_for, supervisor, children):
    client = client_for(supervisor)
    first = list(client.get(URL).context["page"].object_list)
    for cursor in ("nonsense", "W10", "WyJhIiwxXQ"):  # not base64 JSON; []; ["a",1]
        assert list(client.get(URL + f"?after={cursor}").context["page"].object_list) == first


def test_a_misspelt_name_finds_the_child_on_postgresql_and_part_of_a_name_on_sqlite(
    client_for, case_manager, team
):
    family = FamilyFactory(team=team, case_manager=case_manager, name="Smith")
    john = ChildFactory(family=family, first_name="John", last_name="Smith")
    ChildFactory(family=family, first_name="Maya", last_name="Smith")
    client = client_for(case_manager)

    def found(text: str) -> list:
        return list(client.get(URL + f"?q={text}").context["page"].object_list)

    if connection.vendor == "postgresql":
        # pg_trgm similarity on the full name, most similar first.
        assert found("Jonh Smth")[0] == john
        assert found("Maya Smth")[0].first_name == "Maya"
        assert found("Xavier Quill") == []
    else:
        # Each word is part of a name: a partial name still finds the child.
        assert found("Joh Smi") == [john]
        assert found("Jonh Smth") == []


def test_a_name_search_counts_its_matches_and_pages_through_them(client_for, supervisor, children):
    client = client_for(supervisor)
    abbotts = [c for c in children if c.last_name == "Abbott"]
    pages = walk(client, "?q=Abbott&sort=name")
    assert pages[0].count == 9
    assert [len(p.object_list) for p in pages] == [4, 4, 1]
    assert sorted(c.pk for c in rows(pages)) == sorted(c.pk for c in abbotts)
    response = client.get(URL + "?q=Abbott&sort=name")
    assert b"9 children" in response.content
