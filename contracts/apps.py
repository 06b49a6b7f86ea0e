from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        """What this app adds to other apps' pages, the nightly run and the demo data
        (yos/extensions.py)."""
        from contracts import demo, jobs, selectors
        from yos import extensions

        extensions.register("home_panels", selectors.home_panels, app="contracts")
        extensions.register("child_panels", selectors.child_panels, app="contracts")
        extensions.register("family_panels", selectors.family_panels, app="contracts")
        extensions.register("timeline_events", selectors.timeline_events, app="contracts")
        extensions.register_nightly_steps("contracts", jobs.STEPS)
        extensions.register_flag_answers("contracts", jobs.ANSWERS)
        extensions.register_demo_seeder("contracts", demo.seed)
