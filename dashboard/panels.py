"""The dashboard's panels on other apps' pages (registered in
DashboardConfig.ready(), yos/extensions.py)."""

from __future__ import annotations

from cases.models import Case
from dashboard.kpis import latest_outcomes_queryset
from yos import access
from yos.extensions import can_change_on_page


def home_panels(user) -> list[dict]:
    """A link to the dashboard for supervisors (no query)."""
    if not access.supervises(user):
        return []
    return [
        {
            "template": "dashboard/includes/home_panel.html",
            "service_wide": access.sees_whole_service(user),
        }
    ]


def child_panels(user, child) -> list[dict]:
    """The KPI events recorded on the child's cases, with links to record them
    for the allocated case manager: two queries."""
    cases = list(latest_outcomes_queryset(access.visible(user, Case).filter(child=child)))
    if not cases:
        return []
    return [
        {
            "template": "dashboard/includes/child_panel.html",
            "cases": cases,
            "can_change": can_change_on_page(user, child),
        }
    ]
