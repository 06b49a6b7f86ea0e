"""A real extension module for the closure tests: it blocks the closure of the
cases listed in BLOCKED, as the orders app does for a live parenting order."""

BLOCKED: dict[int, str] = {}


def case_closure_blockers(case, on) -> list[str]:
    reason = BLOCKED.get(case.pk)
    return [reason] if reason else []
