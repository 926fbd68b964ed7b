from django.apps import AppConfig


class CmeConfig(AppConfig):
    name = "preceptor.cme"
    label = "cme"
    verbose_name = "CME"
