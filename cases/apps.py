from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        """What this app adds to other apps' pages (yos/extensions.py)."""
        from cases import selectors
        from yos import extensions

        extensions.register("home_panels", selectors.home_panels, app="cases")
        extensions.register("timeline_events", selectors.timeline_events, app="cases")
