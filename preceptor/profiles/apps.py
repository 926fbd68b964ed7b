from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "preceptor.profiles"
    label = "profiles"
