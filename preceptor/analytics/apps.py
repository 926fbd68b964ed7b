from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "preceptor.analytics"
    label = "analytics"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from preceptor.analytics import buffer, conversions
        from preceptor.core import hooks

        hooks.domain_event_recorded.register(conversions.conversion_enqueue)
        # The request log's batches are written by the requests themselves, once each is over (analytics/buffer.py).
        request_finished.connect(buffer.flush_if_due, dispatch_uid="preceptor.analytics.buffer.flush_if_due")
