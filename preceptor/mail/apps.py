from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "preceptor.mail"
    label = "mail"
