from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self):
        """What this app adds to other apps' pages, the nightly run and the demo data
        (yos/extensions.py)."""
        from orders import demo, jobs, selectors
        from yos import extensions

        extensions.register("home_panels", selectors.home_panels, app="orders")
        extensions.register("child_panels", selectors.child_panels, app="orders")
        extensions.register("family_panels", selectors.family_panels, app="orders")
        extensions.register("timeline_events", selectors.timeline_events, app="orders")
        extensions.register("case_closure_blockers", selectors.case_closure_blockers, app="orders")
        extensions.register_nightly_steps("orders", jobs.STEPS)
        extensions.register_flag_answers("orders", jobs.ANSWERS)
        extensions.register_demo_seeder("orders", demo.seed)
