from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        """What this app adds to other apps' pages and the demo data (yos/extensions.py)."""
        from cases import demo, selectors
        from yos import extensions

        extensions.register("home_panels", selectors.home_panels, app="cases")
        extensions.register("timeline_events", selectors.timeline_events, app="cases")
        extensions.register_demo_seeder("cases", demo.seed)
