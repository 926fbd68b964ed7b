from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "preceptor.core"
    label = "core"
    verbose_name = "Core"
