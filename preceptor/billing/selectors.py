from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.billing.hooks import pro_granted
from preceptor.billing.models import BillingDetails, Order, Price, Receipt, Subscription
from preceptor.core.hooks import Panel

Status = Literal["pro", "trial", "trial_ended"]


@dataclass(frozen=True)
class Membership:
    status: Status
    ends_at: datetime | None
    now: datetime
    subscription: Subscription | None = None

    @property
    def is_pro(self) -> bool:
        return self.status == "pro"

    @property
    def days_left(self) -> int:
        """Whole days left, counting a started day as a day (ends in 30 hours → 2 days)."""
        if self.ends_at is None or self.ends_at <= self.now:
            return 0
        seconds = (self.ends_at - self.now).total_seconds()
        return int(-(-seconds // 86400))

    @property
    def renews(self) -> bool:
        sub = self.subscription
        return bool(sub and not sub.cancel_at_period_end and sub.status in ("active", "trialing", "past_due"))


def membership_for(user: User, *, now: datetime | None = None) -> Membership:
    """The one place that decides Pro access: a paid subscription (trialing/active, past_due within the grace
    period, until the end of a cancelled period, unless refunded), Pro granted by staff, or Pro another app grants
    (``hooks.pro_granted``: a seat in an organisation); else the app's trial."""
    now = now or timezone.now()
    grace = settings.BILLING_PAST_DUE_GRACE_DAYS
    # Asked on most of a member's pages: one written-out statement, newest first as the model orders them (building
    # the ORM query cost several times running it; decision 0040).
    subscriptions = Subscription.objects.raw(
        f"SELECT * FROM {Subscription._meta.db_table} WHERE user_id = %s AND status <> %s"  # noqa: S608 -- the table is the model's; the values are parameters
        " ORDER BY created_at DESC",
        [user.pk, "incomplete_expired"],
    )
    for subscription in subscriptions:
        if subscription.grants_pro(now, grace):
            return Membership("pro", subscription.current_period_end, now, subscription)
    if user.complimentary_pro_until and now < user.complimentary_pro_until:
        return Membership("pro", user.complimentary_pro_until, now)
    granted = [until for until in pro_granted.call(user, now) if until is not None and now < until]
    if granted:
        return Membership("pro", max(granted), now)
    if user.is_on_trial(now):
        return Membership("trial", user.trial_ends_at, now)
    return Membership("trial_ended", user.trial_ends_at, now)


def price_for(*, interval: str, currency: str) -> Price | None:
    return Price.objects.filter(interval=interval, currency=currency, is_active=True).first()


def prices_by_currency() -> dict[str, dict[str, Price]]:
    """{"EUR": {"month": price, "year": price}, "USD": {...}} for the offered prices."""
    table: dict[str, dict[str, Price]] = {}
    for price in Price.objects.filter(is_active=True):
        table.setdefault(price.currency, {})[price.interval] = price
    return table


def receipts_for(user: User) -> list[Receipt]:
    return list(Receipt.objects.filter(user=user).order_by("-paid_at"))


def billing_details_for(user: User) -> BillingDetails | None:
    return BillingDetails.objects.filter(user=user).first()


def current_subscription(user: User) -> Subscription | None:
    """The member's most recent subscription that is not over yet, for the billing page."""
    return (
        Subscription.objects.filter(user=user, ended_at__isnull=True, revoked_at__isnull=True)
        .exclude(status__in=["canceled", "incomplete_expired"])
        .select_related("price")
        .order_by("-created_at")
        .first()
    )


def has_bought(user: User, item: str) -> bool:
    """Whether the member paid for ``item`` (and was not refunded): the rule for one-off purchases."""
    return Order.objects.filter(user=user, item=item, status=Order.Status.PAID).exists()


def membership_panel(user: User) -> Panel:
    """Registered on ``accounts.hooks.account_panels``: the membership status on the account page."""
    return Panel("billing/_membership_panel.html", {"membership": membership_for(user)}, order=10)
