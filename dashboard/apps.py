from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Dashboards and KPI events"

    def ready(self):
        """The dashboard link on supervisors' home page and the KPI events on
        the child page (yos/extensions.py)."""
        from dashboard import panels
        from yos import extensions

        extensions.register("home_panels", panels.home_panels, app="dashboard")
        extensions.register("child_panels", panels.child_panels, app="dashboard")
