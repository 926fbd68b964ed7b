from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.billing.models import Customer, Order, Price, ProviderEvent, Receipt, Subscription
from preceptor.billing.providers.base import (
    IncomingEvent,
    PaymentProvider,
    RemoteOrder,
    RemotePayment,
    RemoteSubscription,
)
from preceptor.billing.providers.demo import DemoProvider
from preceptor.core.services import audit_event_record, domain_event_record

logger = logging.getLogger(__name__)


def event_handle(*, provider: PaymentProvider, event: IncomingEvent) -> ProviderEvent:
    """Store the event once and process it. A duplicate of a processed event does nothing; a duplicate of a
    failed or unfinished one is processed again (every effect is an idempotent upsert). Not one transaction:
    the event is stored first (``event_store``), so that a processing that fails leaves it stored to retry."""
    stored = event_store(provider=provider, event=event)
    if stored.status in (ProviderEvent.Status.PROCESSED, ProviderEvent.Status.IGNORED):
        return stored
    return event_process(provider=provider, stored=stored)


@transaction.atomic
def event_store(*, provider: PaymentProvider, event: IncomingEvent) -> ProviderEvent:
    """The event stored once per (provider, event id): a duplicate returns the stored one, whatever its status."""
    try:
        with transaction.atomic():
            return ProviderEvent.objects.create(
                provider=provider.name, event_id=event.event_id, type=event.type, payload=event.payload
            )
    except IntegrityError:
        return ProviderEvent.objects.get(provider=provider.name, event_id=event.event_id)


def event_process(*, provider: PaymentProvider, stored: ProviderEvent) -> ProviderEvent:
    """Re-read what the event concerns from the provider and upsert our state; record success or failure.
    Not one transaction: each upsert is its own (``*_sync``), between calls to the provider, and a failure must
    be recorded on the stored event (``event_outcome_record``) while the failed upsert is rolled back."""
    event = IncomingEvent(event_id=stored.event_id, type=stored.type, payload=stored.payload)
    effects = provider.effects(event)
    stored = event_attempt_count(stored=stored)
    if not (effects.subscriptions or effects.payments or effects.orders):
        return event_outcome_record(stored=stored, status=ProviderEvent.Status.IGNORED)
    try:
        for provider_id in effects.subscriptions:
            synced = subscription_sync(provider=provider, remote=provider.fetch_subscription(provider_id))
            if event.type in provider.payment_failed_events:
                transaction.on_commit(partial(_send_dunning, synced.pk))
        for provider_id in effects.payments:
            payment_sync(provider=provider, remote=provider.fetch_payment(provider_id))
        for provider_id in effects.orders:
            order_sync(provider=provider, remote=provider.fetch_order(provider_id))
    except Exception as exc:
        logger.exception("billing: %s event %s failed", provider.name, stored.event_id)
        return event_outcome_record(
            stored=stored, status=ProviderEvent.Status.FAILED, error=f"{type(exc).__name__}: {exc}"
        )
    return event_outcome_record(stored=stored, status=ProviderEvent.Status.PROCESSED)


@transaction.atomic
def event_attempt_count(*, stored: ProviderEvent) -> ProviderEvent:
    """Count one processing attempt before it runs, so that an attempt that fails is counted too."""
    ProviderEvent.objects.filter(pk=stored.pk).update(attempts=stored.attempts + 1)
    stored.attempts += 1
    return stored


@transaction.atomic
def event_outcome_record(*, stored: ProviderEvent, status: str, error: str = "") -> ProviderEvent:
    """How processing ended: processed or ignored (with the time), or failed (with the error, to retry)."""
    stored.status, stored.error = status, error[:2000]
    if status == ProviderEvent.Status.FAILED:
        stored.save(update_fields=["status", "error"])
    else:
        stored.processed_at = timezone.now()
        stored.save(update_fields=["status", "processed_at", "error"])
    return stored


def _user_for(*, provider: PaymentProvider, user_id: int | None, customer_id: str) -> User:
    customer = None
    if customer_id:
        customer = (
            Customer.objects.filter(provider=provider.name, provider_id=customer_id).select_related("user").first()
        )
    if customer:
        return customer.user
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        raise LookupError(f"{provider.name} customer {customer_id} belongs to no member")
    if not customer_id:
        return user
    Customer.objects.get_or_create(user=user, provider=provider.name, defaults={"provider_id": customer_id})
    return user


def _price_for(provider: PaymentProvider, price_ref: str) -> Price | None:
    field = {"stripe": "stripe_price_id", "paypal": "paypal_plan_id"}.get(provider.name)
    if field is None:
        return Price.objects.filter(pk=int(price_ref)).first() if price_ref.isdigit() else None
    return Price.objects.filter(**{field: price_ref}).first()


@transaction.atomic
def subscription_sync(*, provider: PaymentProvider, remote: RemoteSubscription) -> Subscription:
    """Upsert our copy from the provider's current record. Any delivery order ends in the provider's state."""
    user = _user_for(provider=provider, user_id=remote.user_id, customer_id=remote.customer_id)
    subscription = (
        Subscription.objects.select_for_update().filter(provider=provider.name, provider_id=remote.provider_id).first()
    )
    before: tuple[str, bool] | None = None
    if subscription is None:
        subscription = Subscription(user=user, provider=provider.name, provider_id=remote.provider_id)
    else:
        before = (subscription.status, subscription.cancel_at_period_end)
    now = timezone.now()
    if remote.status == Subscription.Status.PAST_DUE:
        subscription.past_due_since = subscription.past_due_since or now
    else:
        subscription.past_due_since = None
    subscription.status = remote.status
    subscription.price = _price_for(provider, remote.price_ref)
    subscription.current_period_end = remote.current_period_end
    subscription.cancel_at_period_end = remote.cancel_at_period_end
    subscription.ended_at = remote.ended_at
    subscription.save()
    after = (subscription.status, subscription.cancel_at_period_end)
    if before != after:
        audit_event_record(
            action="billing.subscription_changed",
            subject=user,
            target=subscription,
            data={"provider": provider.name, "from": before and list(before), "to": list(after)},
        )
    return subscription


@transaction.atomic
def payment_sync(*, provider: PaymentProvider, remote: RemotePayment) -> Receipt:
    """Upsert a receipt from the provider's payment; refunds and disputes are recorded and revoke access."""
    user = _user_for(provider=provider, user_id=remote.user_id, customer_id=remote.customer_id)
    subscription = Subscription.objects.filter(provider=provider.name, provider_id=remote.subscription_id).first()
    receipt = Receipt.objects.select_for_update().filter(provider=provider.name, provider_id=remote.provider_id).first()
    created = receipt is None
    if receipt is None:
        receipt = Receipt(user=user, provider=provider.name, provider_id=remote.provider_id)
    receipt.subscription = subscription
    receipt.description = remote.description
    receipt.amount, receipt.currency = remote.amount, remote.currency.upper()
    receipt.period_start, receipt.period_end, receipt.paid_at = remote.period_start, remote.period_end, remote.paid_at
    receipt.refunded_amount = min(remote.refunded_amount, remote.amount)
    previous_status = None if created else receipt.status
    if remote.disputed:
        receipt.status = Receipt.Status.DISPUTED
    elif receipt.refunded_amount >= receipt.amount:
        receipt.status = Receipt.Status.REFUNDED
    elif receipt.refunded_amount:
        receipt.status = Receipt.Status.PARTIALLY_REFUNDED
    else:
        receipt.status = Receipt.Status.PAID
    receipt.save()
    if created:
        audit_event_record(
            action="billing.payment_received",
            subject=user,
            target=receipt,
            data={"provider": provider.name, "amount": receipt.amount, "currency": receipt.currency},
        )
        first_purchase = not Receipt.objects.filter(user=user).exclude(pk=receipt.pk).exists()
        if first_purchase:
            domain_event_record(
                kind="purchase_completed",
                user=user,
                reference=f"{provider.name}:{receipt.provider_id}",
                data={"value": receipt.amount, "currency": receipt.currency},
            )
        transaction.on_commit(partial(_send_receipt, receipt.pk))
    elif previous_status != receipt.status:
        audit_event_record(
            action=f"billing.payment_{receipt.status}",
            subject=user,
            target=receipt,
            data={"provider": provider.name, "refunded": receipt.refunded_amount},
        )
    if receipt.status in (Receipt.Status.REFUNDED, Receipt.Status.DISPUTED) and subscription:
        # A refund or dispute of the payment takes back the access it paid for; later syncs keep it revoked.
        Subscription.objects.filter(pk=subscription.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return receipt


def _send_dunning(subscription_id: int) -> None:
    from preceptor.billing.emails import payment_failed_email

    payment_failed_email(subscription_id=subscription_id)


def _send_receipt(receipt_id: int) -> None:
    from preceptor.billing.emails import receipt_email

    receipt_email(receipt_id=receipt_id)


def subscription_cancel(*, subscription: Subscription, actor: User, provider: PaymentProvider) -> None:
    """Ask the provider to end the subscription at the end of the paid period; its event updates our copy."""
    provider.cancel(subscription=subscription)
    audit_event_record(action="billing.cancel_requested", actor=actor, subject=subscription.user, target=subscription)


def checkout_start(*, provider: PaymentProvider, request: HttpRequest, user: User, price: Price) -> str:
    audit_event_record(
        action="billing.checkout_started", actor=user, subject=user, target=price, data={"provider": provider.name}
    )
    return provider.checkout_url(request=request, user=user, price=price)


@transaction.atomic
def demo_checkout_complete(*, provider: DemoProvider, user: User, price: Price, now: datetime | None = None) -> None:
    for event in provider.pay(user=user, price=price, now=now):
        event_handle(provider=provider, event=event)


DEFAULT_PRICES = {("month", "EUR"): 2900, ("year", "EUR"): 24900, ("month", "USD"): 3200, ("year", "USD"): 27900}


@transaction.atomic
def prices_ensure() -> list[Price]:
    """The default Pro prices (editable afterwards in the admin); existing prices are left as they are."""
    return [
        Price.objects.get_or_create(interval=interval, currency=currency, defaults={"amount": amount})[0]
        for (interval, currency), amount in DEFAULT_PRICES.items()
    ]


@transaction.atomic
def order_create(*, user: User, item: str, description: str, amount: int, currency: str) -> Order:
    """A pending one-off purchase; nothing is granted until the provider confirms payment."""
    order = Order.objects.create(user=user, item=item, description=description, amount=amount, currency=currency)
    audit_event_record(
        action="billing.order_created",
        actor=user,
        subject=user,
        target=order,
        data={"item": item, "amount": amount, "currency": currency},
    )
    return order


def order_checkout_start(*, provider: PaymentProvider, request: HttpRequest, order: Order) -> str:
    url = provider.order_checkout_url(request=request, order=order)
    Order.objects.filter(pk=order.pk).update(provider=provider.name, provider_id=order.provider_id)
    return url


@transaction.atomic
def order_sync(*, provider: PaymentProvider, remote: RemoteOrder) -> Order:
    """Upsert the order from the provider's record; a payment records a receipt, a refund takes it back."""
    order = Order.objects.select_for_update().get(public_id=remote.order_ref)
    if (remote.amount, remote.currency.upper()) != (order.amount, order.currency.upper()):
        raise ValueError(f"order {order.public_id}: provider amount {remote.amount} {remote.currency} differs")
    previous = order.status
    order.provider, order.provider_id, order.status = provider.name, remote.provider_id, remote.status
    if remote.status == Order.Status.PAID and not order.paid_at:
        order.paid_at = remote.paid_at or timezone.now()
    order.save()
    if previous != order.status:
        audit_event_record(
            action=f"billing.order_{order.status}",
            subject=order.user,
            target=order,
            data={"provider": provider.name, "from": previous},
        )
    if order.status in (Order.Status.PAID, Order.Status.REFUNDED):
        payment_sync(
            provider=provider,
            remote=RemotePayment(
                provider_id=f"order:{remote.provider_id}",
                user_id=order.user_id,
                customer_id="",
                subscription_id="",
                description=order.description,
                amount=order.amount,
                currency=order.currency,
                paid_at=order.paid_at or timezone.now(),
                refunded_amount=order.amount if order.status == Order.Status.REFUNDED else 0,
            ),
        )
    return order
