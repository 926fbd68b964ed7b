"""A clearly labelled local checkout for the demo: no money moves, but every purchase and cancellation goes
through the same event-processing path as Stripe and PayPal. Refused when DEBUG is off."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.billing.models import DemoOrder, DemoSubscription, Interval, Order, Price, Subscription
from preceptor.billing.providers.base import (
    Effects,
    IncomingEvent,
    InvalidSignature,
    PaymentProvider,
    ProviderError,
    RemoteOrder,
    RemotePayment,
    RemoteSubscription,
)
from preceptor.core.pagecache import members_changed

SALT = "preceptor.billing.demo"


def period_end(start: datetime, interval: str) -> datetime:
    return start + (relativedelta(years=1) if interval == Interval.YEAR else relativedelta(months=1))


class DemoProvider(PaymentProvider):
    name = "demo"
    label = "Demo checkout (no real payment)"
    payment_failed_events = frozenset({"invoice.payment_failed"})

    def is_available(self) -> bool:
        return bool(settings.DEBUG and settings.BILLING_DEMO)

    def checkout_url(self, *, request: HttpRequest, user: User, price: Price) -> str:
        token = signing.dumps({"user": user.pk, "price": price.pk}, salt=SALT)
        return reverse("billing:demo_pay", args=[token])

    def read_token(self, token: str) -> tuple[int, int]:
        try:
            data = signing.loads(token, salt=SALT, max_age=3600)
        except signing.BadSignature as exc:
            raise ProviderError("This demo checkout link is invalid or has expired.") from exc
        return data["user"], data["price"]

    def pay(self, *, user: User, price: Price, now: datetime | None = None) -> list[IncomingEvent]:
        """What Stripe would do after a successful Checkout: the subscription and its first paid invoice."""
        if not self.is_available():
            raise ProviderError("The demo provider is off.")
        now = now or timezone.now()
        remote = DemoSubscription.objects.create(
            demo_id=f"demo_sub_{secrets.token_hex(8)}",
            user=user,
            price=price,
            status="active",
            current_period_start=now,
            current_period_end=period_end(now, price.interval),
        )
        invoice = f"{remote.demo_id}.{int(now.timestamp())}"
        return [
            self._event("customer.subscription.created", {"subscription": remote.demo_id}),
            self._event("invoice.paid", {"invoice": invoice, "subscription": remote.demo_id}),
        ]

    can_resume = True

    def cancel(self, *, subscription: Subscription) -> None:
        self._set_cancel_at_period_end(subscription, True)

    def resume(self, *, subscription: Subscription) -> None:
        self._set_cancel_at_period_end(subscription, False)

    def _set_cancel_at_period_end(self, subscription: Subscription, value: bool) -> None:
        from preceptor.billing.services import event_handle

        DemoSubscription.objects.filter(demo_id=subscription.provider_id).update(cancel_at_period_end=value)
        members_changed([subscription.user_id])
        event_handle(
            provider=self,
            event=self._event("customer.subscription.updated", {"subscription": subscription.provider_id}),
        )

    def order_checkout_url(self, *, request: HttpRequest, order: Order) -> str:
        if not self.is_available():
            raise ProviderError("The demo provider is off.")
        remote = DemoOrder.objects.create(demo_id=f"demo_ord_{secrets.token_hex(8)}", order=order)
        order.provider_id = remote.demo_id
        return reverse("billing:demo_order_pay", args=[signing.dumps(str(order.public_id), salt=SALT)])

    def read_order_token(self, token: str) -> str:
        try:
            return signing.loads(token, salt=SALT, max_age=3600)
        except signing.BadSignature as exc:
            raise ProviderError("This demo checkout link is invalid or has expired.") from exc

    def pay_order(self, *, order: Order) -> None:
        from preceptor.billing.services import event_handle

        DemoOrder.objects.filter(order=order).update(status="paid")
        event_handle(
            provider=self,
            event=self._event("checkout.session.completed", {"mode": "payment", "order": order.provider_id}),
        )

    def refund_order(self, *, order: Order) -> None:
        from preceptor.billing.services import event_handle

        DemoOrder.objects.filter(order=order).update(status="refunded")
        event_handle(provider=self, event=self._event("charge.refunded", {"order": order.provider_id}))

    def fetch_order(self, provider_id: str) -> RemoteOrder:
        remote = DemoOrder.objects.select_related("order").get(demo_id=provider_id)
        status = {"open": "pending", "paid": "paid", "refunded": "refunded"}[remote.status]
        return RemoteOrder(
            provider_id=remote.demo_id,
            order_ref=str(remote.order.public_id),
            status=status,
            amount=remote.order.amount,
            currency=remote.order.currency,
            paid_at=timezone.now(),
        )

    def fail_renewal(self, *, subscription: Subscription) -> None:
        """Simulate a declined renewal, as a card expiring would at Stripe."""
        from preceptor.billing.services import event_handle

        DemoSubscription.objects.filter(demo_id=subscription.provider_id).update(status="past_due")
        members_changed([subscription.user_id])
        event_handle(
            provider=self, event=self._event("invoice.payment_failed", {"subscription": subscription.provider_id})
        )

    def _event(self, type_: str, payload: dict[str, Any]) -> IncomingEvent:
        return IncomingEvent(event_id=f"demo_evt_{secrets.token_hex(10)}", type=type_, payload=payload)

    def verify(self, request: HttpRequest) -> IncomingEvent:
        raise InvalidSignature("The demo provider sends no webhooks over HTTP.")

    def effects(self, event: IncomingEvent) -> Effects:
        if event.type.startswith("customer.subscription."):
            return Effects(subscriptions=[event.payload["subscription"]])
        if "order" in event.payload:
            return Effects(orders=[event.payload["order"]])
        if event.type == "invoice.payment_failed":
            return Effects(subscriptions=[event.payload["subscription"]])
        if event.type == "invoice.paid":
            return Effects(subscriptions=[event.payload["subscription"]], payments=[event.payload["invoice"]])
        return Effects()

    def fetch_subscription(self, provider_id: str) -> RemoteSubscription:
        remote = DemoSubscription.objects.get(demo_id=provider_id)
        now = timezone.now()
        ended = remote.cancel_at_period_end and now >= remote.current_period_end
        return RemoteSubscription(
            provider_id=remote.demo_id,
            user_id=remote.user_id,
            customer_id=f"demo_cus_{remote.user_id}",
            status="canceled" if ended else remote.status,
            price_ref=str(remote.price_id),
            current_period_end=remote.current_period_end,
            cancel_at_period_end=remote.cancel_at_period_end,
            ended_at=remote.current_period_end if ended else None,
        )

    def fetch_payment(self, provider_id: str) -> RemotePayment:
        demo_id, started = provider_id.rsplit(".", 1)
        remote = DemoSubscription.objects.select_related("price").get(demo_id=demo_id)
        start = datetime.fromtimestamp(int(started), tz=UTC)
        return RemotePayment(
            provider_id=provider_id,
            user_id=remote.user_id,
            customer_id=f"demo_cus_{remote.user_id}",
            subscription_id=remote.demo_id,
            description=f"Preceptor Pro, {remote.price.get_interval_display().lower()} (demo)",
            amount=remote.price.amount,
            currency=remote.price.currency,
            paid_at=start,
            period_start=start,
            period_end=period_end(start, remote.price.interval),
        )
