"""How the apps contribute to pages and to the nightly run they do not own:
an explicit registry. Each app registers its contributions in its
``AppConfig.ready()`` (``<app>/apps.py``), so "who contributes to the home
page" is answered by reading the ``register(...)`` calls:

* ``home_panels(user) -> list[Panel]``: panels on the signed-in user's home page.
* ``child_panels(user, child) -> list[Panel]``: sections of the child page.
* ``family_panels(user, family) -> list[Panel]``: sections of the family page.
* ``timeline_events(user, child) -> list[TimelineEvent]``: the child's timeline.
* ``case_closure_blockers(case, on) -> list[str]``: plain-English reasons a
  case cannot be closed on the day ``on``, the closure's own date (e.g. a
  parenting-order requirement still running that day).

``collect(hook, *args)`` calls them in registration order, which is
INSTALLED_APPS order (Django runs each app's ``ready()`` in that order).

Nightly steps: ``register_nightly_steps(app, [(name, func), ...])``, where
``func(run_date, *, by) -> dict``. ``nightly_steps()`` returns them named
"app.name", apps in NIGHTLY_ORDER and each app's steps in the order it lists
them. The order is written down rather than taken from INSTALLED_APPS because
the run's order is behaviour: orders, contracts and victims raise and resolve
their flags first, then yos's retention step flags records due for review.
An app missing from NIGHTLY_ORDER cannot register steps (ImproperlyConfigured).
Flag answers (issue 16): ``register_flag_answers(app, {kind: yos.flags.Answer})``,
from an app in NIGHTLY_ORDER, next to the nightly step that raises those
kinds; ``flag_answers()`` is every app's, and a save of a trigger model
resolves the flags it answers (yos.flags.connect_answers).
Demo data (``manage.py seed_demo``): ``register_demo_seeder(app, seed)``, run
in DEMO_ORDER, each app's seed reading what the apps before it made.

A Panel is ``{"template": "app/includes/x.html", **context}``; the page
includes the template ``with panel=panel user=user only``. Each contribution
must apply yos.access itself and cost a fixed number of queries.

One page calls several hooks with the same record (the child page calls
``child_panels`` and ``timeline_events``). What both need is fetched once
through ``page_memo(record, key, fetch)``, kept on that record instance for
the request; ``can_change_on_page`` is the same for "may this user change
the record" (the child page's own query already answers it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured

HOOKS = ("home_panels", "child_panels", "family_panels", "timeline_events", "case_closure_blockers")
NIGHTLY_ORDER = ("orders", "contracts", "victims", "yos")
# seed_demo: each app's demo data uses what the apps before it made.
DEMO_ORDER = ("cases", "orders", "contracts", "victims", "yos")

Step = tuple[str, Callable]

_hooks: dict[str, list[tuple[str, Callable]]] = {hook: [] for hook in HOOKS}
_steps: dict[str, list[Step]] = {}
_demo: dict[str, Callable] = {}
_answers: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    title: str
    description: str = ""
    by: str = ""
    url: str = ""
    kind: str = field(default="")


def page_memo(record, key: str, fetch: Callable[[], Any]) -> Any:
    """fetch() once per record instance (one page) and key."""
    memo = record.__dict__.setdefault("_page_memo", {})
    if key not in memo:
        memo[key] = fetch()
    return memo[key]


def can_change_on_page(user, record) -> bool:
    """access.can_change(user, record), asked once per page: the child page's
    selector annotates ``user_can_change`` on the record it loads."""
    from yos import access

    known = record.__dict__.get("user_can_change")
    if known is not None:
        return bool(known)
    return page_memo(record, f"can_change:{user.pk}", lambda: access.can_change(user, record))


def register(hook: str, func: Callable, *, app: str) -> None:
    """Add app's contribution func to hook (from the app's AppConfig.ready())."""
    if hook not in _hooks:
        raise ImproperlyConfigured(f"No hook {hook!r}; the hooks are {', '.join(HOOKS)}")
    entry = (app, func)
    if entry not in _hooks[hook]:  # ready() may run twice (tests, autoreload)
        _hooks[hook].append(entry)


def unregister(hook: str, func: Callable) -> None:
    _hooks[hook] = [(app, f) for app, f in _hooks[hook] if f is not func]


def registered(hook: str) -> list[tuple[str, Callable]]:
    """(app, function) pairs that contribute to hook, in the order they are called."""
    return list(_hooks[hook])


def collect(hook: str, *args) -> list:
    """Every registered contribution to hook, in registration order."""
    found: list = []
    for _app, func in _hooks[hook]:
        found.extend(func(*args))
    return found


def register_nightly_steps(app: str, steps: Iterable[Step]) -> None:
    if app not in NIGHTLY_ORDER:
        raise ImproperlyConfigured(
            f"Add {app!r} to yos.extensions.NIGHTLY_ORDER to say where its nightly steps run"
        )
    _steps[app] = list(steps)


def nightly_steps() -> list[Step]:
    """Every app's nightly steps named "app.step", in NIGHTLY_ORDER."""
    return [(f"{app}.{name}", func) for app in NIGHTLY_ORDER for name, func in _steps.get(app, [])]


def register_flag_answers(app: str, answers: dict[str, Any]) -> None:
    """app's flag kinds and how a save answers them (yos.flags.Answer)."""
    if app not in NIGHTLY_ORDER:
        raise ImproperlyConfigured(
            f"Add {app!r} to yos.extensions.NIGHTLY_ORDER: flag answers go with nightly steps"
        )
    _answers[app] = dict(answers)


def flag_answers() -> dict[str, Any]:
    """Every app's flag answers, kind -> Answer, apps in NIGHTLY_ORDER."""
    return {kind: a for app in NIGHTLY_ORDER for kind, a in _answers.get(app, {}).items()}


def register_demo_seeder(app: str, seed: Callable) -> None:
    """``seed(ctx)`` adds app's invented demo data (``manage.py seed_demo``)."""
    if app not in DEMO_ORDER:
        raise ImproperlyConfigured(
            f"Add {app!r} to yos.extensions.DEMO_ORDER to say when its demo data is made"
        )
    _demo[app] = seed


def demo_seeders() -> list[Callable]:
    """Every app's demo seeder, in DEMO_ORDER."""
    return [_demo[app] for app in DEMO_ORDER if app in _demo]
