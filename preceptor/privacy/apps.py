from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "preceptor.privacy"
    label = "privacy"

    def ready(self) -> None:
        from preceptor.accounts import hooks
        from preceptor.privacy import services

        hooks.signed_up.register(services.visitor_consent_transfer)
