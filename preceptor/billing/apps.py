from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "preceptor.billing"
    label = "billing"

    def ready(self) -> None:
        from preceptor.accounts import hooks
        from preceptor.billing import selectors
        from preceptor.billing.providers import registry

        registry.check_configuration()  # a half-configured provider stops the process at start
        hooks.account_panels.register(selectors.membership_panel)
