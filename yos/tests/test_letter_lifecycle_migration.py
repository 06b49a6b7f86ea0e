"""Migration 0011_letter_lifecycle on a database with letters in it: the old
"sent by" / "sent on" data becomes the new state (issue 16: "Migrate existing
letters sensibly")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

LIFECYCLE = ("yos", "0011_letter_lifecycle")
AFTER = [LIFECYCLE]


def _without_lifecycle(graph) -> list[tuple[str, str]]:
    """Every app's latest migrations except the lifecycle and what follows it:
    the project just before it (the other branches' migrations, such as the
    adults' letter_name, still applied, as they are in the database)."""
    after = set(graph.backwards_plan(LIFECYCLE))  # the lifecycle itself and its dependents
    rest = {node for node in graph.nodes if node not in after}
    return sorted(
        node
        for node in rest
        if not any(child in rest and child[0] == node[0] for child in graph.node_map[node].children)
    )


@pytest.fixture
def old_state(transactional_db):
    """The schema just before the lifecycle, with the rest of the project's
    migrations applied; back to the latest afterwards."""
    executor = MigrationExecutor(connection)
    parent = next(p for p in executor.loader.graph.node_map[LIFECYCLE].parents if p.key[0] == "yos")
    executor.migrate([parent.key])  # unapply the lifecycle (and its yos siblings, dependents)
    executor = MigrationExecutor(connection)
    before = _without_lifecycle(executor.loader.graph)
    executor.migrate(before)
    yield executor.loader.project_state(before).apps
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _letters(apps):
    """Three letters as the old schema held them: one posted on a date, one
    with a method but no date, one never sent."""
    User = apps.get_model("yos", "User")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Family = apps.get_model("cases", "Family")
    Adult = apps.get_model("cases", "Adult")
    Team = apps.get_model("yos", "Team")
    StoredDocument = apps.get_model("yos", "StoredDocument")
    Letter = apps.get_model("yos", "Letter")
    user = User.objects.create(username="migrator")
    team = Team.objects.create(name="Migration team")
    family = Family.objects.create(name="Oldfamily", team=team)
    adult = Adult.objects.create(family=family, first_name="Ola", last_name="Oldfamily")
    content_type = ContentType.objects.get(app_label="cases", model="family")
    made = {}
    for key, (sent_by, sent_on) in {
        "posted": ("post", dt.date(2026, 3, 4)),
        "method-only": ("hand", None),
        "unsent": ("not_sent", None),
    }.items():
        document = StoredDocument.objects.create(
            kind="letter",
            file=f"documents/{key}.pdf",
            mime_type="application/pdf",
            size=1,
            sha256="0" * 64,
            created_by=user,
            reason="old letter",
            content_type=content_type,
            object_id=family.pk,
        )
        made[key] = Letter.objects.create(
            kind="order_warning",
            dedupe_key=f"order-warning:{len(made) + 1}:{adult.pk}",
            recipient=adult,
            content_type=content_type,
            object_id=family.pk,
            family=family,
            reason="old",
            document=document,
            generated_by=user,
            sent_by=sent_by,
            sent_on=sent_on,
        ).pk
    return made


def test_old_letters_take_their_state_from_what_was_recorded(old_state):
    made = _letters(old_state)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Letter = executor.loader.project_state(AFTER).apps.get_model("yos", "Letter")
    rows = {
        key: Letter.objects.values("status", "sent_by", "sent_on", "letter_date", "address").get(
            pk=pk
        )
        for key, pk in made.items()
    }
    made_on = timezone.now().date()
    assert rows["posted"] == {
        "status": "sent",
        "sent_by": "post",
        "sent_on": dt.date(2026, 3, 4),
        "letter_date": made_on,
        "address": "",
    }
    # A method without a date: sent, dated the day it was made.
    assert (rows["method-only"]["status"], rows["method-only"]["sent_on"]) == ("sent", made_on)
    # Never sent: a draft, with no address recorded, so approving it asks for a new version.
    assert (rows["unsent"]["status"], rows["unsent"]["sent_on"]) == ("draft", None)
