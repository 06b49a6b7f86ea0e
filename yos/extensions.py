"""How the apps contribute to pages they do not own.

Each app may define these functions in its ``selectors.py``; pages call
``collect`` and get every app's contribution, in APPS order:

* ``home_panels(user) -> list[Panel]``: panels on the signed-in user's home page.
* ``child_panels(user, child) -> list[Panel]``: sections of the child page.
* ``family_panels(user, family) -> list[Panel]``: sections of the family page.
* ``timeline_events(user, child) -> list[TimelineEvent]``: the child's timeline.
* ``case_closure_blockers(case, on) -> list[str]``: plain-English reasons a
  case cannot be closed on the day ``on``, the closure's own date (e.g. a
  parenting-order requirement still running that day).

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

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

APPS = [
    "yos.notices",
    "yos.flags",
    "cases",
    "orders",
    "contracts",
    "victims",
    "yos.dashboard.selectors",
]


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


def collect(hook: str, *args) -> list:
    found: list = []
    for app in APPS:
        module_name = app if "." in app else f"{app}.selectors"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            # An app without selectors contributes nothing; a missing import
            # inside an existing module is a real error.
            if error.name is None or not module_name.startswith(error.name):
                raise
            continue
        func = getattr(module, hook, None)
        if func is not None:
            found.extend(func(*args))
    return found
