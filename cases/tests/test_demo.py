"""The demo seeder: a dozen invented families, re-runnable."""

from cases import demo
from cases.models import Attendance, Case, CaseClosureRequest, CaseStatus, Family, Session
from yos.management.commands.seed_demo import seed_base


def test_it_seeds_a_dozen_families_and_fills_the_context(db):
    ctx = seed_base()
    demo.seed(ctx)
    assert len(ctx["families"]) == 12
    assert Family.objects.filter(case_manager=ctx["users"]["casemanager"]).count() == 8
    assert Family.objects.filter(case_manager=ctx["users"]["casemanager3"]).count() == 1
    assert Family.objects.filter(case_manager__isnull=True).count() == 1
    assert {c.status for c in ctx["cases"]} == set(CaseStatus.values)
    assert len({c.kind for c in ctx["cases"]}) >= 8
    assert any(not link.resident for a in ctx["adults"] for link in a.child_links.all())
    assert Session.objects.filter(attendance=Attendance.UNEXCUSED).exists()
    assert Session.objects.filter(attendance=Attendance.PLANNED).exists()
    # One closure waits for a supervisor's decision, asked for by its case manager.
    waiting = CaseClosureRequest.objects.get(status="pending")
    assert waiting.requested_by == waiting.case.child.family.case_manager
    assert waiting.case.status == CaseStatus.OPEN


def test_running_it_twice_adds_nothing_and_still_fills_the_context(db):
    demo.seed(seed_base())
    counts = (Family.objects.count(), Case.objects.count(), Session.objects.count())
    ctx = seed_base()
    demo.seed(ctx)
    assert (Family.objects.count(), Case.objects.count(), Session.objects.count()) == counts
    assert len(ctx["families"]) == 12
    assert len(ctx["children"]) == 14  # two families have two children
