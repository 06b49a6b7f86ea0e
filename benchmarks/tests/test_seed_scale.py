"""seed_scale: the invented scale data set loads, respects the models' rules,
writes history by the system user, and is deterministic for a seed."""

import pytest
from django.core.management import CommandError, call_command

from benchmarks.seed import reference
from cases.models import Adult, Case, Child, Family
from orders.models import ParentingOrder
from yos.lib.audit import SYSTEM_USERNAME
from yos.lib.models import REFERENCE_ALPHABET

pytestmark = pytest.mark.django_db


def seed(n, s=1):
    call_command(
        "seed_scale", children=n, seed=s, anchor="2026-11-25", stdout=open("/dev/null", "w")
    )


def names(children):
    return [(c.first_name, c.last_name, c.date_of_birth) for c in children]


def test_loads_children_families_adults_cases_and_orders_in_the_planned_proportions():
    seed(30)
    assert Child.objects.count() == 30
    assert Family.objects.count() == 20  # 1.5 children a family
    assert Case.objects.count() == 60  # the child's case and the order's parenting case
    assert ParentingOrder.objects.count() == 30
    assert 20 <= Adult.objects.count() <= 40
    assert all(c.family.children.exists() for c in Child.objects.all()[:5])


def test_every_order_has_about_ten_history_rows_by_the_system_user():
    seed(10)
    order = ParentingOrder.objects.order_by("id").first()
    rows = list(order.history.all())
    assert len(rows) == 10
    assert {r.history_user.username for r in rows} == {SYSTEM_USERNAME}
    assert sorted(r.history_type for r in rows).count("+") == 1
    assert order.version == 10


def test_seeded_records_pass_the_models_own_validation():
    seed(12)
    for order in ParentingOrder.objects.all():
        order.full_clean()
        for requirement in order.requirements.all():
            requirement.full_clean()
        assert order.parents.filter(family=order.child.family).exists()
    for case in Case.objects.all():
        case.full_clean()


def test_references_are_unique_readable_and_not_the_shape_the_application_makes():
    seed(40)
    refs = list(Child.objects.values_list("reference", flat=True))
    refs += list(Case.objects.values_list("reference", flat=True))
    assert len(refs) == len(set(refs))
    assert all(len(r) == 9 and set(r[1:]) <= set(REFERENCE_ALPHABET) for r in refs)
    assert len({reference("C", n, 12345) for n in range(1, 5000)}) == 4999


def test_the_same_seed_gives_the_same_people_and_another_seed_does_not():
    seed(15, s=7)
    first = names(Child.objects.order_by("id"))
    seed(15, s=7)
    second = names(Child.objects.order_by("id")[15:])
    seed(15, s=8)
    third = names(Child.objects.order_by("id")[30:])
    assert first == second
    assert first != third


def test_zero_children_is_refused_with_a_plain_message():
    with pytest.raises(CommandError, match="Enter a number of children of 1 or more"):
        call_command("seed_scale", children=0)
