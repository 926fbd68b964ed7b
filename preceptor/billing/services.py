from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.billing import hooks
from preceptor.billing.models import (
    BillingDetails,
    Customer,
    InvoiceCounter,
    Order,
    Price,
    ProviderEvent,
    Receipt,
    Subscription,
)
from preceptor.billing.providers import registry
from preceptor.billing.providers.base import (
    IncomingEvent,
    PaymentProvider,
    RemoteOrder,
    RemotePayment,
    RemoteSubscription,
)
from preceptor.billing.providers.demo import DemoProvider
from preceptor.core.bulk import insert_once
from preceptor.core.pagecache import members_changed
from preceptor.core.services import audit_event_record, domain_event_record

logger = logging.getLogger(__name__)


def event_handle(*, provider: PaymentProvider, event: IncomingEvent) -> ProviderEvent:
    """Store the event once and process it. A duplicate of a processed event does nothing; a duplicate of a
    failed or unfinished one is processed again (every effect is an idempotent upsert). Not one transaction:
    the event is stored first (``event_store``, which also counts the attempt that follows), so that a processing
    that fails leaves it stored to retry."""
    stored = event_store(provider=provider, event=event, attempt=True)
    if stored.status in (ProviderEvent.Status.PROCESSED, ProviderEvent.Status.IGNORED):
        return stored
    return event_process(provider=provider, stored=stored, counted=True)


def event_store(*, provider: PaymentProvider, event: IncomingEvent, attempt: bool = False) -> ProviderEvent:
    """The event stored once per (provider, event id): a duplicate returns the stored one, whatever its status.
    ``attempt``: the caller processes it next unless it is processed or ignored, so count that attempt here
    rather than in a statement of its own (``event_attempt_count``). A new event is one written-out statement
    (``INSERT … ON CONFLICT DO NOTHING``, its own transaction); a duplicate is read and counted under its row lock."""
    fields = {
        "provider": provider.name,
        "event_id": event.event_id,
        "type": event.type,
        "payload": event.payload,
        "received_at": timezone.now(),
        "processed_at": None,
        "status": ProviderEvent.Status.PENDING,
        "error": "",
        "attempts": 1 if attempt else 0,
    }
    pk = insert_once(ProviderEvent, fields, unique=("provider", "event_id"))
    if pk is not None:
        return ProviderEvent(id=pk, **fields)
    with transaction.atomic():
        stored = ProviderEvent.objects.select_for_update().get(provider=provider.name, event_id=event.event_id)
        if attempt and stored.status not in (ProviderEvent.Status.PROCESSED, ProviderEvent.Status.IGNORED):
            stored.attempts += 1
            ProviderEvent.objects.filter(pk=stored.pk).update(attempts=stored.attempts)
    return stored


def event_process(*, provider: PaymentProvider, stored: ProviderEvent, counted: bool = False) -> ProviderEvent:
    """Re-read what the event concerns from the provider, then upsert our state and record the outcome. Not one
    transaction: the provider is called first, outside any transaction; the upserts (``*_sync``) and the
    "processed" outcome then commit together, and a failure is recorded on the stored event
    (``event_outcome_record``) while the failed upserts roll back. ``counted``: ``event_store`` has already
    counted this attempt."""
    event = IncomingEvent(event_id=stored.event_id, type=stored.type, payload=stored.payload)
    effects = provider.effects(event)
    if not counted:
        stored = event_attempt_count(stored=stored)
    if not (effects.subscriptions or effects.payments or effects.orders):
        return event_outcome_record(stored=stored, status=ProviderEvent.Status.IGNORED)
    try:
        subscriptions = [provider.fetch_subscription(provider_id) for provider_id in effects.subscriptions]
        payments = [provider.fetch_payment(provider_id) for provider_id in effects.payments]
        orders = [provider.fetch_order(provider_id) for provider_id in effects.orders]
        with transaction.atomic():
            for remote_subscription in subscriptions:
                synced = subscription_sync(provider=provider, remote=remote_subscription)
                if event.type in provider.payment_failed_events:
                    transaction.on_commit(partial(_send_dunning, synced.pk))
            for remote_payment in payments:
                payment_sync(provider=provider, remote=remote_payment)
            for remote_order in orders:
                order_sync(provider=provider, remote=remote_order)
            return event_outcome_record(stored=stored, status=ProviderEvent.Status.PROCESSED)
    except Exception as exc:
        logger.exception("billing: %s event %s failed", provider.name, stored.event_id)
        return event_outcome_record(
            stored=stored, status=ProviderEvent.Status.FAILED, error=f"{type(exc).__name__}: {exc}"
        )


@transaction.atomic
def event_attempt_count(*, stored: ProviderEvent) -> ProviderEvent:
    """Count one processing attempt before it runs, so that an attempt that fails is counted too."""
    ProviderEvent.objects.filter(pk=stored.pk).update(attempts=stored.attempts + 1)
    stored.attempts += 1
    return stored


@transaction.atomic(savepoint=False)  # inside event_process's transaction, which a failure rolls back whole
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
    if customer_id:
        # Written out (a webhook's hottest read, decision 0040); the member then comes by id (one statement too).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT user_id FROM {Customer._meta.db_table} WHERE provider = %s AND provider_id = %s",  # noqa: S608 -- the table is the model's, the values parameters
                [provider.name, customer_id],
            )
            row = cursor.fetchone()
        if row:
            return User.objects.get(pk=row[0])
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        raise LookupError(f"{provider.name} customer {customer_id} belongs to no member")
    if not customer_id:
        return user
    Customer.objects.get_or_create(user=user, provider=provider.name, defaults={"provider_id": customer_id})
    return user


def _price_for(provider: PaymentProvider, price_ref: str) -> int | None:
    """The id of our price for the provider's reference, or None."""
    field = {"stripe": "stripe_price_id", "paypal": "paypal_plan_id"}.get(provider.name)
    if field is None:
        return int(price_ref) if price_ref.isdigit() and Price.objects.filter(pk=int(price_ref)).exists() else None
    with connection.cursor() as cursor:
        cursor.execute(
            # In the model's own order, as ``.first()`` read it ("interval" is a keyword of PostgreSQL's).
            f'SELECT id FROM {Price._meta.db_table} WHERE {field} = %s ORDER BY currency, "interval" LIMIT 1',  # noqa: S608 -- the table and column are the model's, the value a parameter
            [price_ref],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _subscription_locked(provider: str, provider_id: str) -> Subscription | None:
    """Our copy of the provider's subscription, its row locked to the end of the transaction (written out: a
    webhook's hottest read, decision 0040; on SQLite the transaction holds the write lock already)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    found = Subscription.objects.raw(
        f"SELECT * FROM {Subscription._meta.db_table} WHERE provider = %s AND provider_id = %s{lock}",  # noqa: S608 -- the table is the model's, the values parameters
        [provider, provider_id],
    )
    return next(iter(found), None)


@transaction.atomic(savepoint=False)  # inside event_process's transaction, which a failure rolls back whole
def subscription_sync(*, provider: PaymentProvider, remote: RemoteSubscription) -> Subscription:
    """Upsert our copy from the provider's current record. Any delivery order ends in the provider's state."""
    subscription = _subscription_locked(provider.name, remote.provider_id)
    if subscription is None:
        user = _user_for(provider=provider, user_id=remote.user_id, customer_id=remote.customer_id)
        created = _subscription_apply(
            Subscription(user=user, provider=provider.name, provider_id=remote.provider_id), provider, remote
        )
        try:
            with transaction.atomic():  # a savepoint: another delivery of this new subscription may insert it first
                created.save()
        except IntegrityError:
            subscription = _subscription_locked(provider.name, remote.provider_id)
            if subscription is None:
                raise
        else:
            _subscription_changed(provider, created, user=user, before=None)
            return created
    before = (subscription.status, subscription.cancel_at_period_end)
    kept = _subscription_synced_columns(subscription)
    _subscription_apply(subscription, provider, remote)
    if _subscription_synced_columns(subscription) == kept:
        # The provider's record changes nothing (a duplicate, or another event about the same subscription): no
        # UPDATE, so no member's kept pages forgotten and no audit row: in bench W1, 700 of 800 processed events.
        return subscription
    subscription.save()
    if before != (subscription.status, subscription.cancel_at_period_end):
        user = User.objects.get(pk=subscription.user_id)  # the subscription's own member, only for the audit row
        _subscription_changed(provider, subscription, user=user, before=before)
    return subscription


def _subscription_synced_columns(subscription: Subscription) -> tuple:
    """What ``_subscription_apply`` writes."""
    return (
        subscription.status,
        subscription.price_id,
        subscription.current_period_end,
        subscription.cancel_at_period_end,
        subscription.past_due_since,
        subscription.ended_at,
    )


def _subscription_apply(
    subscription: Subscription, provider: PaymentProvider, remote: RemoteSubscription
) -> Subscription:
    if remote.status == Subscription.Status.PAST_DUE:
        subscription.past_due_since = subscription.past_due_since or timezone.now()
    else:
        subscription.past_due_since = None
    subscription.status = remote.status
    subscription.price_id = _price_for(provider, remote.price_ref)
    subscription.current_period_end = remote.current_period_end
    subscription.cancel_at_period_end = remote.cancel_at_period_end
    subscription.ended_at = remote.ended_at
    return subscription


def _subscription_changed(
    provider: PaymentProvider, subscription: Subscription, *, user: User, before: tuple[str, bool] | None
) -> None:
    after = (subscription.status, subscription.cancel_at_period_end)
    if before != after:
        audit_event_record(
            action="billing.subscription_changed",
            subject=user,
            target=subscription,
            data={"provider": provider.name, "from": before and list(before), "to": list(after)},
        )


@transaction.atomic(savepoint=False)  # inside event_process's transaction, which a failure rolls back whole
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
        if receipt.amount:
            invoice_issue(receipt=receipt)
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
        members_changed([subscription.user_id])
    return receipt


def _invoice_seller() -> dict[str, str]:
    """The seller as the settings name it now, as an invoice keeps it."""
    return {
        "name": settings.BILLING_SELLER_NAME,
        "address": "\n".join(line.strip() for line in settings.BILLING_SELLER_ADDRESS.split("·") if line.strip()),
        "vat_id": settings.BILLING_SELLER_VAT_ID,
        "vat_percent": str(settings.BILLING_VAT_PERCENT),
    }


def _invoice_buyer(user: User) -> dict[str, str]:
    """The member's billing details, or (until they give some) their name and e-mail address."""
    details = BillingDetails.objects.filter(user=user).first()
    if details is not None:
        return details.as_invoice_buyer()
    return {"name": user.full_name, "organisation": "", "address": "", "vat_id": "", "email": user.email}


@transaction.atomic
def invoice_issue(*, receipt: Receipt) -> Receipt:
    """Give the receipt the next invoice number of its year (once: an issued invoice keeps its number) and fix
    the seller and buyer as they are now. The year's counter row is locked until the payment's transaction ends,
    so numbers run without gaps and are never given twice (decision 0019)."""
    if receipt.invoice_number:
        return receipt
    year = timezone.localtime(receipt.paid_at).year
    InvoiceCounter.objects.get_or_create(year=year)
    counter = InvoiceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    receipt.invoice_number = f"{year}-{counter.last:06d}"
    receipt.invoice_seller = _invoice_seller()
    receipt.invoice_buyer = _invoice_buyer(receipt.user)
    receipt.save(update_fields=["invoice_number", "invoice_seller", "invoice_buyer"])
    audit_event_record(
        action="billing.invoice_issued", subject=receipt.user, target=receipt, data={"number": receipt.invoice_number}
    )
    return receipt


@transaction.atomic
def billing_details_save(*, user: User, name: str, organisation: str, address: str, vat_id: str) -> BillingDetails:
    """Store who the member's invoices are made out to. Invoices issued before the member gave an address get it
    now (once: an invoice that names an address keeps it); every other issued invoice stays as it was."""
    details, created = BillingDetails.objects.select_for_update().get_or_create(
        user=user, defaults={"name": name, "organisation": organisation, "address": address, "vat_id": vat_id}
    )
    if not created:
        details.name, details.organisation, details.address, details.vat_id = name, organisation, address, vat_id
        details.save()
    completed = 0
    for receipt in Receipt.objects.select_for_update().filter(user=user, invoice_number__isnull=False):
        if not receipt.invoice_buyer.get("address"):
            receipt.invoice_buyer = details.as_invoice_buyer()
            receipt.save(update_fields=["invoice_buyer"])
            completed += 1
    audit_event_record(
        action="billing.details_saved", actor=user, subject=user, target=details, data={"invoices_completed": completed}
    )
    return details


def _send_dunning(subscription_id: int) -> None:
    from preceptor.billing.emails import payment_failed_email

    payment_failed_email(subscription_id=subscription_id)


def _send_receipt(receipt_id: int) -> None:
    from preceptor.billing.emails import receipt_email

    receipt_email(receipt_id=receipt_id)


def subscription_cancel(*, subscription: Subscription, actor: User, provider: PaymentProvider) -> Subscription:
    """Ask the provider to end the subscription at the end of the paid period; the provider's record, re-read,
    updates our copy. Idempotent: a subscription already set to end is left as it is (no call, no audit row)."""
    subscription.refresh_from_db()
    if subscription.cancel_at_period_end:
        return subscription
    provider.cancel(subscription=subscription)
    audit_event_record(action="billing.cancel_requested", actor=actor, subject=subscription.user, target=subscription)
    subscription.refresh_from_db()
    return subscription


def subscription_resume(*, subscription: Subscription, actor: User, provider: PaymentProvider) -> Subscription:
    """Undo a cancellation while the paid period lasts (where the provider can: ``can_resume``), so the membership
    renews again. Idempotent: a subscription that renews anyway is left as it is (no call, no audit row)."""
    subscription.refresh_from_db()
    if not subscription.cancel_at_period_end:
        return subscription
    provider.resume(subscription=subscription)
    audit_event_record(action="billing.resume_requested", actor=actor, subject=subscription.user, target=subscription)
    subscription.refresh_from_db()
    return subscription


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
    members_changed([order.user_id])
    return url


@transaction.atomic
def order_transfer_record(*, order: Order, actor: User, paid_at: datetime | None = None) -> Order:
    """Staff record that an invoice's bank transfer arrived: the order becomes paid through the same path as a
    provider's confirmation (``order_sync``: the seller's hook, the receipt). Only a pending transfer order."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.provider != "transfer" or order.status != Order.Status.PENDING:
        raise ValueError(f"order {order.public_id} is not a pending bank transfer")
    provider = registry.get("transfer")
    synced = order_sync(
        provider=provider,
        remote=RemoteOrder(
            provider_id=order.provider_id,
            order_ref=str(order.public_id),
            status=Order.Status.PAID,
            amount=order.amount,
            currency=order.currency,
            paid_at=paid_at or timezone.now(),
        ),
    )
    audit_event_record(action="billing.transfer_received", actor=actor, subject=order.user, target=synced)
    return synced


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
        if order.status == Order.Status.PAID:
            hooks.order_paid.call(order)  # the app selling the item fulfils it in this transaction
        elif order.status == Order.Status.REFUNDED and previous == Order.Status.PAID:
            hooks.order_refunded.call(order)  # and takes it back
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
