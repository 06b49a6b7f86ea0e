import datetime as dt

import pytest

from cases.tests.factories import AdultFactory, ChildFactory, FamilyFactory
from orders.tests.factories import ParentingCaseFactory, ParentingOrderFactory


@pytest.fixture
def family(team, case_manager):
    return FamilyFactory(name="Ashdown", team=team, case_manager=case_manager)


@pytest.fixture
def parent(family):
    return AdultFactory(family=family, first_name="Morgan", last_name="Ashdown")


@pytest.fixture
def parenting_case(family):
    return ParentingCaseFactory(child=ChildFactory(family=family, first_name="Riley"))


@pytest.fixture
def order(parenting_case, parent):
    return ParentingOrderFactory(
        case=parenting_case, made_on=dt.date(2026, 11, 14), parents=[parent]
    )
