from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self):
        """What this app adds to other apps' pages and to the nightly run (yos/extensions.py)."""
        from orders import jobs, selectors
        from yos import extensions

        extensions.register("home_panels", selectors.home_panels, app="orders")
        extensions.register("child_panels", selectors.child_panels, app="orders")
        extensions.register("family_panels", selectors.family_panels, app="orders")
        extensions.register("timeline_events", selectors.timeline_events, app="orders")
        extensions.register("case_closure_blockers", selectors.case_closure_blockers, app="orders")
        extensions.register_nightly_steps("orders", jobs.STEPS)
