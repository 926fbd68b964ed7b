from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "preceptor.profiles"
    label = "profiles"

    def ready(self) -> None:
        from preceptor.accounts import hooks
        from preceptor.profiles import services

        hooks.account_created.register(services.account_profile_create)
        hooks.social_account_disconnected.register(services.profile_provider_photo_delete)
