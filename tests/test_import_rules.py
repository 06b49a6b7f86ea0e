"""The structure's rules (docs/architecture.md, "Which app may import which"),
read from the source with ``ast``:

1. A feature app reaches another only through its public surface:
   ``models``, ``rules``, ``selectors`` and ``services``.
2. The project package ``yos`` imports no feature app: apps contribute to its
   pages and its nightly run through the registry (yos/extensions.py).
3. Nothing outside ``benchmarks`` imports ``benchmarks``.
4. No role comparison outside yos/access.py: every "is this user a ..."
   question is a named ability there (templates' display logic excepted).
5. No hook found by module name: no ``importlib`` in the application.

Application code only: tests, migrations and the benchmarks tool (its scale
data and workloads) are outside rules 1, 2, 4 and 5. Each entry of KNOWN is a debt with its reason; a new
violation fails, and so does an entry that no longer matches anything (so
the list only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

import django.apps

ROOT = Path(__file__).resolve().parents[1]
FEATURE_APPS = {"cases", "orders", "contracts", "victims", "dashboard", "sar"}
PROJECT = "yos"
TOOL = "benchmarks"
PUBLIC = {"models", "rules", "selectors", "services"}

# (file, imported module): why it is still there. Owned by this round's other
# work; the plan to remove each is in docs/architecture.md, "Next steps".
KNOWN = {
    ("yos/letters.py", "cases.models"): "letters move to their own app (next step)",
    ("yos/retention.py", "cases.models"): "retention flags move with the flags app (next step)",
    ("yos/job_views.py", "orders.jobs"): "the jobs page moves with the jobs app (next step)",
    ("yos/job_views.py", "orders.models"): "the jobs page moves with the jobs app (next step)",
    ("yos/job_views.py", "contracts.jobs"): "the jobs page moves with the jobs app (next step)",
    ("yos/job_views.py", "contracts.models"): "the jobs page moves with the jobs app (next step)",
}


def _python_files(top: str):
    for path in sorted((ROOT / top).rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "migrations" in rel.parts or "node_modules" in rel.parts:
            continue
        yield rel, ast.parse(path.read_text(), filename=str(rel))


def _is_test(rel: Path) -> bool:
    return "tests" in rel.parts or rel.name == "conftest.py"


def _imports(tree: ast.AST):
    """(line, module) for every absolute import, ``from a.b import c`` read
    as module ``a.b.c`` when a is a top-level app and b is absent."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if "." in node.module:
                yield node.lineno, node.module
            else:
                for alias in node.names:
                    yield node.lineno, f"{node.module}.{alias.name}"


def _violations():
    apps = [*sorted(FEATURE_APPS), PROJECT, TOOL]
    found: dict[tuple[str, str], str] = {}
    for app in apps:
        for rel, tree in _python_files(app):
            if _is_test(rel):
                continue
            for line, module in _imports(tree):
                top, _, rest = module.partition(".")
                sub = rest.split(".")[0]
                if top == app or top not in (*FEATURE_APPS, TOOL):
                    continue
                key = (rel.as_posix(), module)
                if top == TOOL:
                    found[key] = f"line {line}: imports the benchmarks tool"
                elif app == TOOL:
                    continue  # the tool drives workloads the way the runner does
                elif app == PROJECT:
                    found[key] = f"line {line}: yos imports a feature app"
                elif sub not in PUBLIC:
                    found[key] = f"line {line}: {top}.{sub} is not {top}'s public surface"
    return found


def test_apps_import_each_other_only_through_their_public_surface():
    found = _violations()
    new = {k: v for k, v in found.items() if k not in KNOWN}
    assert new == {}, "\n".join(f"{f} imports {m}: {why}" for (f, m), why in new.items())


def test_every_known_exception_is_still_needed():
    found = _violations()
    stale = [k for k in KNOWN if k not in found]
    assert stale == [], f"remove from KNOWN (fixed): {stale}"


def test_nothing_outside_benchmarks_and_tests_imports_benchmarks():
    offenders = []
    for top in sorted({p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} - {TOOL}):
        for rel, tree in _python_files(top):
            if _is_test(rel):
                continue
            offenders += [
                f"{rel}:{line} {module}"
                for line, module in _imports(tree)
                if module.split(".")[0] == TOOL
            ]
    assert offenders == []


def _role_comparisons(tree: ast.AST) -> list[int]:
    """Lines comparing a role: ``x == Role.Y``, ``role in (...)``,
    ``access.role_of(u) != ...``, ``user.role is ...``."""

    def about_role(node: ast.AST) -> bool:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name):
                if sub.value.id == "Role":
                    return True
            if isinstance(sub, ast.Attribute) and sub.attr == "role":
                return True
            if isinstance(sub, ast.Name) and sub.id == "role":
                return True
            if isinstance(sub, ast.Call):
                func = sub.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "role_of":
                    return True
        return False

    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and any(about_role(n) for n in [node.left, *node.comparators])
    ]


def test_no_role_comparison_outside_access():
    """Access is decided in yos/access.py only: elsewhere a role question is
    one of its named abilities (has_caseload, supervises, administers, ...)."""
    offenders = []
    for top in [*sorted(FEATURE_APPS), PROJECT]:
        for rel, tree in _python_files(top):
            if _is_test(rel) or rel.as_posix() == "yos/access.py":
                continue
            offenders += [f"{rel}:{line}" for line in _role_comparisons(tree)]
    assert offenders == []


def test_the_role_check_sees_a_comparison():
    """The detector itself: each way of comparing a role is found."""
    for source in (
        "if access.role_of(user) == Role.SUPERVISOR: pass",
        "role = access.role_of(user)\nif role in WRITERS: pass",
        "ok = user.role is not None",
        "ok = Role.ADMINISTRATOR != x",
    ):
        assert _role_comparisons(ast.parse(source)), source
    assert _role_comparisons(ast.parse("if access.supervises(user): pass")) == []


def test_no_module_is_found_by_its_name():
    """Hooks, nightly steps and demo seeders are registered in AppConfig.ready()
    (yos/extensions.py), never imported from a string."""
    offenders = []
    for top in [*sorted(FEATURE_APPS), PROJECT]:
        for rel, tree in _python_files(top):
            if _is_test(rel):
                continue
            offenders += [
                f"{rel}:{line}" for line, module in _imports(tree) if module == "importlib"
            ]
    assert offenders == []


def test_every_domain_model_has_an_access_rule():
    """A model missing from access.RULES is visible to nobody: a moved model
    (dashboard's KPI events) must move its rule with it, and a rule must name
    a model that exists."""
    from yos import access
    from yos.lib.models import DomainModel

    models = {m._meta.label: m for m in django.apps.apps.get_models()}
    domain = {label for label, m in models.items() if issubclass(m, DomainModel)}
    # The catalogue of requirement kinds (seed 001) is reference data every
    # role reads through forms, never a record about someone.
    assert domain - set(access.RULES) == {"contracts.RequirementKind"}
    assert set(access.RULES) - set(models) == set()


def _module_graph() -> dict[str, set[str]]:
    modules = {}
    for top in [*sorted(FEATURE_APPS), PROJECT]:
        for rel, tree in _python_files(top):
            if _is_test(rel):
                continue
            name = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
            modules[name] = tree
    graph = {name: set() for name in modules}
    for name, tree in modules.items():
        for node in ast.walk(tree):  # imports inside functions count too
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    """yos.access no longer imports yos.twofactor (which imports access), and
    dashboard.selectors no longer imports dashboard.kpis (which imports
    selectors): no module of the application imports itself round a circle,
    also through imports inside functions."""
    assert _cycles(_module_graph()) == []
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
