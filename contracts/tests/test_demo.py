"""The demo seeder: a contract at each status at both demo schools, re-runnable."""

import pytest

from contracts import demo
from contracts.models import ParentingContract
from yos.models import Letter

pytestmark = pytest.mark.django_db


def _seed(with_cases: bool):
    from yos.management.commands.seed_demo import seed_base

    ctx = seed_base()
    if with_cases:
        from cases import demo as cases_demo

        cases_demo.seed(ctx)
    demo.seed(ctx)
    return ctx


@pytest.mark.parametrize("with_cases", [True, False], ids=["demo families", "no families"])
def test_each_school_has_a_contract_at_each_status_and_a_rerun_adds_nothing(with_cases):
    ctx = _seed(with_cases)
    for school in ctx["schools"]:
        statuses = set(
            ParentingContract.objects.filter(school=school).values_list("status", flat=True)
        )
        assert statuses == set(ParentingContract.Status.values), school
        unsigned = ParentingContract.objects.filter(school=school).signing_overdue()
        assert unsigned.count() == 1
    for contract in ParentingContract.objects.select_related("pupil"):
        assert contract.pupil.school_id == contract.school_id
    counts = (ParentingContract.objects.count(), Letter.objects.count())
    _seed(with_cases)
    assert (ParentingContract.objects.count(), Letter.objects.count()) == counts
