from django.apps import AppConfig


class YosConfig(AppConfig):
    name = "yos"
    verbose_name = "Service configuration"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from yos import extensions, flags, jobs_demo, notices, retention, security_log
        from yos.middleware import record_sign_in

        security_log.connect()
        flags.connect_answers()  # a flag resolves in the request that answers it
        # The notices' and flags' panels on the home page (notices first), the
        # flags' panels on the child and family pages, and the retention step
        # of the nightly run (yos/extensions.py).
        extensions.register("home_panels", notices.home_panels, app="yos")
        extensions.register("home_panels", flags.home_panels, app="yos")
        extensions.register("child_panels", flags.child_panels, app="yos")
        extensions.register("family_panels", flags.family_panels, app="yos")
        extensions.register_nightly_steps("yos", retention.STEPS)
        extensions.register_demo_seeder("yos", jobs_demo.seed)
        user_logged_in.connect(record_sign_in, dispatch_uid="yos.middleware.record_sign_in")
