"""How the apps contribute to pages they do not own.

Each app may define these functions in its ``selectors.py``; pages call
``collect`` and get every app's contribution, in APPS order:

* ``home_panels(user) -> list[Panel]``: panels on the signed-in user's home page.
* ``child_panels(user, child) -> list[Panel]``: sections of the child page.
* ``family_panels(user, family) -> list[Panel]``: sections of the family page.
* ``timeline_events(user, child) -> list[TimelineEvent]``: the child's timeline.
* ``case_closure_blockers(case) -> list[str]``: plain-English reasons a case
  cannot be closed yet (e.g. a parenting-order requirement still running).

A Panel is ``{"template": "app/includes/x.html", **context}``; the page
includes the template ``with panel=panel user=user only``. Each contribution
must apply yos.access itself and cost a fixed number of queries.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import datetime

APPS = ["yos.flags", "cases", "orders", "contracts", "victims", "yos.dashboard.selectors"]


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    title: str
    description: str = ""
    by: str = ""
    url: str = ""
    kind: str = field(default="")


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
