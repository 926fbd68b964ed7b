from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "preceptor.accounts"
    label = "accounts"

    def ready(self) -> None:
        from allauth.socialaccount.signals import social_account_removed

        from preceptor.accounts import social

        # allauth's disconnect flow has no adapter method to call: its signal is our one way in.
        social_account_removed.connect(social.social_account_removed, dispatch_uid="accounts.social_account_removed")
