from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "preceptor.analytics"
    label = "analytics"

    def ready(self) -> None:
        from preceptor.analytics import conversions
        from preceptor.core import hooks

        hooks.domain_event_recorded.register(conversions.conversion_enqueue)
