from django.apps import AppConfig


class SarConfig(AppConfig):
    name = "sar"
    verbose_name = "Subject access requests"
