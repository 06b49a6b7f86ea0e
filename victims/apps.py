from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "victims"

    def ready(self):
        """What this app adds to other apps' pages, the nightly run and the demo data
        (yos/extensions.py)."""
        from victims import demo, jobs, selectors
        from yos import extensions

        extensions.register("home_panels", selectors.home_panels, app="victims")
        extensions.register("child_panels", selectors.child_panels, app="victims")
        extensions.register("timeline_events", selectors.timeline_events, app="victims")
        extensions.register_nightly_steps("victims", jobs.STEPS)
        extensions.register_flag_answers("victims", jobs.ANSWERS)
        extensions.register_demo_seeder("victims", demo.seed)
