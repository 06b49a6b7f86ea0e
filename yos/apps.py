from django.apps import AppConfig


class YosConfig(AppConfig):
    name = "yos"
    verbose_name = "Service configuration"

    def ready(self):
        from yos import security_log

        security_log.connect()
