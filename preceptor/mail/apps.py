from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "preceptor.mail"
    label = "mail"

    def ready(self) -> None:
        from preceptor.core import hooks
        from preceptor.mail import suppression

        hooks.email_refused.register(suppression.is_refused)
