"""What an order's history costs: a plain edit writes one history row and
nothing else; the parents are snapshotted only when they change (issue 10,
docs/performance.md §4.4), and the audit of who bound whom is kept."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.tests.factories import AdultFactory
from orders import services
from orders.selectors import parents_history

pytestmark = pytest.mark.django_db


def _queries_of_save(order, *, history: bool) -> list[str]:
    order.conditions = f"{order.conditions} again"
    if not history:
        order.skip_history_when_saving = True
    with CaptureQueriesContext(connection) as ctx:
        order.save()
    if not history:
        del order.skip_history_when_saving
    return [q["sql"] for q in ctx.captured_queries]


def test_a_plain_edit_with_history_costs_exactly_one_extra_query(order, case_manager):
    order._history_user = case_manager
    without = _queries_of_save(order, history=False)
    with_history = _queries_of_save(order, history=True)
    assert len(with_history) == len(without) + 1
    extra = [sql for sql in with_history if "historical" in sql.lower()]
    assert len(extra) == 1 and extra[0].startswith("INSERT INTO")


def test_a_plain_edit_writes_no_snapshot_of_the_parents(order, case_manager):
    snapshot = apps.get_model("orders", "HistoricalParentingOrder_parents")
    before = snapshot.objects.count()
    services.order_update(
        order=order,
        parents=list(order.parents.all()),
        loaded_version=order.version,
        by=case_manager,
        conditions="Attend every session",
    )
    assert snapshot.objects.count() == before
    assert order.history.count() >= 2


def test_changing_the_parents_is_in_the_history_with_who_did_it(order, parent, case_manager):
    other = AdultFactory(family=parent.family, first_name="Sam", last_name="Ashdown")
    # A plain edit in between changes nothing in the parents' history.
    services.order_update(
        order=order,
        parents=[parent],
        loaded_version=order.version,
        by=case_manager,
        conditions="Attend every session",
    )
    services.order_update(
        order=order, parents=[other], loaded_version=order.version, by=case_manager
    )
    changes = [(e.user, e.changes[0].old, e.changes[0].new) for e in parents_history(order)]
    assert changes[-1] == ("Casey Morgan", str(parent), str(other))
    assert [new for _, _, new in changes] == [str(parent), str(other)]
