from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "preceptor.privacy"
    label = "privacy"
