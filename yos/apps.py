from django.apps import AppConfig


class YosConfig(AppConfig):
    name = "yos"
    verbose_name = "Service configuration"
