"""History completeness (SECURITY.md check 30).

* A lint over the application code (tests and migrations aside): no
  ``.update(``, ``bulk_update(`` or ``bulk_create(`` on a queryset outside an
  allow list whose every entry says why its history is still complete.
  QuerySet.update and the bulk methods send no post_save, so
  django-simple-history writes nothing for them (its issues #174, #309).
  ``bulk_create_with_history`` / ``bulk_update_with_history`` (yos/flags.py)
  are the way to write in bulk.
* Every history row the nightly job writes names a user (the system user),
  never null (simple-history #780).
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from tests.security_world import world  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[1]
APPS = ["yos", "cases", "orders", "contracts", "victims", "dashboard", "sar", "benchmarks"]
BULK = {"update", "bulk_update", "bulk_create"}
QUERYSET_HINTS = (".objects", "_default_manager", ".filter(", ".exclude(", ".all(", "_set.")

# (file, enclosing function, method): why history is still complete.
ALLOWED = {
    ("yos/lib/versioning.py", "save_if_current", "update"): (
        "bumps only the version as a compare-and-set, then instance.save() writes the history row"
    ),
    ("contracts/demo.py", "seed_school", "update"): (
        "demo data only (seed_demo): backdates a date on a contract that was made through services"
    ),
    ("benchmarks/writes.py", "*", "bulk_update"): (
        "the benchmark's own scratch data (manage.py bench), never run by the service"
    ),
    ("benchmarks/letters.py", "*", "bulk_create"): (
        "the benchmark's own scratch data (manage.py bench), never run by the service"
    ),
    ("benchmarks/print_pack.py", "*", "bulk_create"): (
        "the benchmark's own scratch data (manage.py bench), rolled back, never run by the service"
    ),
    ("benchmarks/print_pack.py", "*", "update"): (
        "the benchmark's own scratch data (manage.py bench), rolled back, never run by the service"
    ),
    ("yos/letters.py", "_progress", "update"): (
        "a print pack's progress counter (and a failure note) written by the task while it runs; "
        "the pack's request and its completion are saved with history by the member of staff"
    ),
}


class _Finder(ast.NodeVisitor):
    def __init__(self, rel: str):
        self.rel, self.function, self.hits = rel, "<module>", []

    def visit_FunctionDef(self, node):
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in BULK:
            receiver = ast.unparse(func.value)
            if any(hint in receiver for hint in QUERYSET_HINTS):
                self.hits.append((self.rel, self.function, func.attr, node.lineno))
        self.generic_visit(node)


def _application_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in rel or "/migrations/" in rel:
                continue
            yield rel, path


def _allowed(rel, function, method) -> bool:
    return (rel, function, method) in ALLOWED or (rel, "*", method) in ALLOWED


def test_no_queryset_update_or_bulk_write_skips_history_outside_the_allow_list():
    hits = []
    for rel, path in _application_files():
        finder = _Finder(rel)
        finder.visit(ast.parse(path.read_text(), filename=rel))
        hits += finder.hits
    assert hits, "the lint found no call at all: is it looking in the right place?"
    unexplained = [f"{r}:{line} {fn}() .{m}(" for r, fn, m, line in hits if not _allowed(r, fn, m)]
    assert unexplained == []


def test_every_allow_list_entry_gives_a_reason():
    assert all(len(reason) > 20 for reason in ALLOWED.values())


@pytest.mark.django_db
def test_every_history_row_the_nightly_job_writes_names_a_user(world):  # noqa: F811
    from yos.jobs import run_nightly_jobs

    started = timezone.now()
    run = run_nightly_jobs(dt.date(2027, 6, 1))  # months after the world's orders and contracts
    assert run.status != "skipped"
    written, nameless = 0, {}
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if not model.__name__.startswith("Historical") or "history_date" not in names:
            continue  # m2m history tables carry no date or user of their own
        rows = model.objects.filter(history_date__gte=started)
        written += rows.count()
        count = rows.filter(history_user__isnull=True).count()
        if count:
            nameless[model.__name__] = count
    assert written > 0, "the job wrote nothing: the test proves nothing"
    assert nameless == {}


@pytest.mark.django_db
def test_the_system_users_own_creation_is_in_the_history_by_itself():
    from yos.lib.audit import SYSTEM_USERNAME, system_user
    from yos.models import User

    User.objects.filter(username=SYSTEM_USERNAME).delete()
    user = system_user()
    [created] = User.history.filter(id=user.pk, history_type="+")
    assert created.history_user_id == user.pk
    assert not user.has_usable_password() and not user.is_active
    assert system_user().pk == user.pk  # the second call finds it, writes nothing
    assert User.history.filter(id=user.pk).count() == 1
