from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "preceptor.analytics"
    label = "analytics"
