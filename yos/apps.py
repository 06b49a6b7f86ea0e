from django.apps import AppConfig


class YosConfig(AppConfig):
    name = "yos"
    verbose_name = "Service configuration"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from yos import flags, security_log
        from yos.middleware import record_sign_in

        security_log.connect()
        flags.connect_answers()  # a flag resolves in the request that answers it
        user_logged_in.connect(record_sign_in, dispatch_uid="yos.middleware.record_sign_in")
