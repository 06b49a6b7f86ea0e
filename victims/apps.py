from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "victims"

    def ready(self):
        """What this app adds to other apps' pages and to the nightly run (yos/extensions.py)."""
        from victims import jobs, selectors
        from yos import extensions

        extensions.register("home_panels", selectors.home_panels, app="victims")
        extensions.register("child_panels", selectors.child_panels, app="victims")
        extensions.register("timeline_events", selectors.timeline_events, app="victims")
        extensions.register_nightly_steps("victims", jobs.STEPS)
