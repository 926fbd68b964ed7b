from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "preceptor.teams"
    label = "teams"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in

        from preceptor.accounts.hooks import account_panels
        from preceptor.billing.hooks import order_paid, order_refunded, pro_granted
        from preceptor.teams import selectors, services, sso

        # A seat in an organisation with a current licence gives Pro (billing.selectors.membership_for).
        pro_granted.register(selectors.seat_pro_until)
        account_panels.register(selectors.organisations_panel)
        # Seats are bought as one-off orders: paid, they set the seats and the licence; refunded, they are taken back.
        order_paid.register(services.seat_order_grant)
        order_refunded.register(services.seat_order_revoke)
        # Signing in through an organisation's own provider seats a member of its domain (decision 0042).
        user_logged_in.connect(sso.seat_on_sign_in, dispatch_uid="teams.seat_on_sign_in")
