"""Stripe: Checkout for subscriptions, the Customer Portal, signed webhooks. The API version is pinned."""

from __future__ import annotations

import json
import threading
import urllib.request
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import stripe
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from preceptor.accounts.models import User
from preceptor.billing.models import Customer, Order, Price, Subscription
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
from preceptor.billing.providers.stripe_http import KeptConnectionClient

API_VERSION = "2026-10-28.endive"  # pinned: the version stripe-python 16.1 speaks; set the endpoint to match
SUBSCRIPTION_EVENTS = {
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.trial_will_end",
    "customer.subscription.paused",
    "customer.subscription.resumed",
}
ORDER_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}
INVOICE_EVENTS = {"invoice.paid", "invoice.payment_failed", "invoice.payment_action_required"}


def _when(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def _id(value: Any) -> str:
    """An expandable field: either an id or the object itself."""
    if isinstance(value, str) or value is None:
        return value or ""
    return value.get("id", "")


class StripeProvider(PaymentProvider):
    name = "stripe"
    label = "Stripe"
    payment_failed_events = frozenset({"invoice.payment_failed", "invoice.payment_action_required"})

    def is_available(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def redirect_origins(self) -> list[str]:
        """Checkout and the Customer Portal. Fixed: sessions made through a test ``STRIPE_API_BASE`` still
        send the browser to Stripe's own pages."""
        return ["https://checkout.stripe.com", "https://billing.stripe.com"]

    _clients = threading.local()

    @property
    def client(self) -> stripe.StripeClient:
        """One client (and kept connection) per thread, key and base address. It sends through ``http.client``
        (``stripe_http.py``), not ``requests``, whose machinery was most of a re-read's processor time; the proxy
        is read from the environment once, here, instead of on every call (decision 0040)."""
        key = (settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)
        clients = self._clients
        if getattr(clients, "key", None) != key:
            api_base = settings.STRIPE_API_BASE or "https://api.stripe.com"
            found = urllib.request.getproxies()
            if urllib.request.proxy_bypass(urlsplit(api_base).hostname or ""):  # NO_PROXY names the API's host
                found = {}
            clients.client = stripe.StripeClient(
                settings.STRIPE_SECRET_KEY,
                stripe_version=API_VERSION,
                base_addresses={"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None,
                http_client=KeptConnectionClient(proxy={"http": found.get("http"), "https": found.get("https")}),
            )
            clients.key = key
        return clients.client

    def _customer_id(self, user: User) -> str:
        existing = Customer.objects.filter(user=user, provider=self.name).first()
        if existing:
            return existing.provider_id
        customer = self.client.v1.customers.create(
            params={"email": user.email, "name": user.full_name, "metadata": {"preceptor_user": str(user.pk)}},
            options={"idempotency_key": f"customer-{user.pk}"},
        )
        Customer.objects.get_or_create(user=user, provider=self.name, defaults={"provider_id": customer.id})
        return customer.id

    can_delete_customers = True

    def customer_delete(self, *, provider_id: str) -> bool:
        """Delete the customer at Stripe (which also cancels its subscriptions there); a customer Stripe no longer
        has (a replay, or deleted in the dashboard) counts as done."""
        try:
            self.client.v1.customers.delete(provider_id)
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                return False
            raise ProviderError(str(exc)) from exc
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return True

    def checkout_url(self, *, request: HttpRequest, user: User, price: Price) -> str:
        if not price.stripe_price_id:
            raise ProviderError(f"{price} has no Stripe price id")
        try:
            session = self.client.v1.checkout.sessions.create(
                params={
                    "mode": "subscription",
                    "customer": self._customer_id(user),
                    "client_reference_id": str(user.pk),
                    "line_items": [{"price": price.stripe_price_id, "quantity": 1}],
                    "metadata": {"preceptor_user": str(user.pk)},
                    "subscription_data": {"metadata": {"preceptor_user": str(user.pk)}},
                    "success_url": request.build_absolute_uri(reverse("billing:overview"))
                    + "?checkout={CHECKOUT_SESSION_ID}",
                    "cancel_url": request.build_absolute_uri(reverse("billing:pricing")),
                },
                options={"idempotency_key": f"checkout-{user.pk}-{price.pk}-{request.session.session_key}"},
            )
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        if session.url is None:  # only embedded Checkout sessions have none; ours are hosted
            raise ProviderError("Stripe returned a Checkout session without a URL")
        return session.url

    def order_checkout_url(self, *, request: HttpRequest, order: Order) -> str:
        ref = str(order.public_id)
        try:
            session = self.client.v1.checkout.sessions.create(
                params={
                    "mode": "payment",
                    "customer": self._customer_id(order.user),
                    "client_reference_id": str(order.user_id),
                    "line_items": [
                        {
                            "quantity": 1,
                            "price_data": {
                                "currency": order.currency.lower(),
                                "unit_amount": order.amount,
                                "product_data": {"name": order.description},
                            },
                        }
                    ],
                    "metadata": {"preceptor_order": ref},
                    "payment_intent_data": {"metadata": {"preceptor_order": ref}},
                    "success_url": request.build_absolute_uri(reverse("billing:order_return", args=[ref])),
                    "cancel_url": request.build_absolute_uri(reverse("billing:overview")),
                },
                options={"idempotency_key": f"order-{ref}"},
            )
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        order.provider_id = session.id
        if session.url is None:  # only embedded Checkout sessions have none; ours are hosted
            raise ProviderError("Stripe returned a Checkout session without a URL")
        return session.url

    def fetch_order(self, provider_id: str) -> RemoteOrder:
        session = self.client.v1.checkout.sessions.retrieve(
            provider_id, params={"expand": ["payment_intent.latest_charge"]}
        ).to_dict()
        charge = (session.get("payment_intent") or {}) if isinstance(session.get("payment_intent"), dict) else {}
        charge = charge.get("latest_charge") or {}
        amount = session.get("amount_total") or 0
        status = "paid" if session.get("payment_status") == "paid" else "pending"
        if session.get("status") == "expired":
            status = "failed"
        if isinstance(charge, dict) and amount and charge.get("amount_refunded", 0) >= amount:
            status = "refunded"
        return RemoteOrder(
            provider_id=session["id"],
            order_ref=(session.get("metadata") or {}).get("preceptor_order", ""),
            status=status,
            amount=amount,
            currency=session.get("currency") or "eur",
            paid_at=_when(charge.get("created")) if isinstance(charge, dict) else None,
        )

    def order_returned(self, *, order: Order) -> None:
        """The buyer is back from Checkout: re-read the session now rather than wait for the webhook, so the page
        they land on already shows what they bought (the webhook's later sync changes nothing)."""
        from preceptor.billing.services import order_sync

        try:
            remote = self.fetch_order(order.provider_id)
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        order_sync(provider=self, remote=remote)

    def manage_url(self, *, request: HttpRequest, user: User) -> str | None:
        customer = Customer.objects.filter(user=user, provider=self.name).first()
        if customer is None:
            return None
        try:
            portal = self.client.v1.billing_portal.sessions.create(
                params={
                    "customer": customer.provider_id,
                    "return_url": request.build_absolute_uri(reverse("billing:overview")),
                }
            )
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return portal.url  # never cached or logged

    can_resume = True

    def cancel(self, *, subscription: Subscription) -> None:
        self._set_cancel_at_period_end(subscription, True)

    def resume(self, *, subscription: Subscription) -> None:
        self._set_cancel_at_period_end(subscription, False)

    def _set_cancel_at_period_end(self, subscription: Subscription, value: bool) -> None:
        try:
            self.client.v1.subscriptions.update(subscription.provider_id, params={"cancel_at_period_end": value})
            remote = self.fetch_subscription(subscription.provider_id)
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        # The customer.subscription.updated webhook brings the change back; sync now too for the page.
        from preceptor.billing.services import subscription_sync

        subscription_sync(provider=self, remote=remote)

    def verify(self, request: HttpRequest) -> IncomingEvent:
        """The signature checked as ``stripe.Webhook.construct_event`` checks it (same tolerance), then the body read
        as plain JSON: building the library's event object only to flatten it again (``to_dict``) was 3% of a
        webhook's profile (decision 0040)."""
        try:
            payload = request.body.decode("utf-8")
            stripe.WebhookSignature.verify_header(
                payload,
                request.headers.get("Stripe-Signature", ""),
                settings.STRIPE_WEBHOOK_SECRET,
                stripe.Webhook.DEFAULT_TOLERANCE,
            )
            data = json.loads(payload)
        except (ValueError, stripe.SignatureVerificationError) as exc:
            raise InvalidSignature(str(exc)) from exc
        if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("type"), str):
            raise InvalidSignature("the signed body is not an event")
        return IncomingEvent(event_id=data["id"], type=data["type"], payload=data)

    def effects(self, event: IncomingEvent) -> Effects:
        obj = event.payload.get("data", {}).get("object", {})
        if event.type in SUBSCRIPTION_EVENTS:
            return Effects(subscriptions=[obj["id"]])
        if event.type == "checkout.session.completed" and obj.get("mode") == "subscription":
            return Effects(subscriptions=[_id(obj.get("subscription"))])
        if event.type in ORDER_EVENTS and obj.get("mode") == "payment":
            return Effects(orders=[obj["id"]])
        if event.type in INVOICE_EVENTS:
            subscription = _invoice_subscription(obj)
            payments = [obj["id"]] if event.type == "invoice.paid" else []
            return Effects(subscriptions=[subscription] if subscription else [], payments=payments)
        if event.type in ("charge.refunded", "charge.dispute.created"):
            order = self._order_for_charge(obj)
            if order:
                return Effects(orders=[order])
            invoice = _id(obj.get("invoice")) or self._invoice_for_charge(_id(obj.get("charge")) or obj["id"])
            return Effects(payments=[invoice] if invoice else [])
        return Effects()

    def _invoice_charge(self, invoice: dict[str, Any]) -> str:
        """The charge that paid an invoice: ``charge`` on older API versions; since 2025-03-31 through
        ``payments`` (an invoice payment's charge or payment intent)."""
        charge = _id(invoice.get("charge"))
        if charge:
            return charge
        for entry in (invoice.get("payments") or {}).get("data", []):
            payment = entry.get("payment") or {}
            if _id(payment.get("charge")):
                return _id(payment.get("charge"))
            if _id(payment.get("payment_intent")):
                intent = self._read("payment_intents", _id(payment["payment_intent"]))
                return _id(intent.get("latest_charge"))
        return ""

    def _order_for_charge(self, charge: dict[str, Any]) -> str:
        """The Checkout session of a one-off order that a refunded or disputed charge paid, if any."""
        ref = (charge.get("metadata") or {}).get("preceptor_order")
        if not ref and _id(charge.get("payment_intent")):
            intent = self._read("payment_intents", _id(charge["payment_intent"]))
            ref = (intent.get("metadata") or {}).get("preceptor_order")
        if not ref:
            return ""
        return Order.objects.filter(public_id=ref).values_list("provider_id", flat=True).first() or ""

    def _invoice_for_charge(self, charge_id: str) -> str:
        charge = self._read("charges", charge_id)
        return _id(charge.get("invoice"))

    def _read(self, resource: str, object_id: str) -> dict[str, Any]:
        """GET one object as plain JSON. What a webhook re-reads is only read, field by field: the same request as
        ``client.v1.<resource>.retrieve(id)``, the same errors, without building (and then flattening with
        ``to_dict``) a StripeObject tree, which cost a webhook as much as the request itself (decision 0040)."""
        return self.client.raw_request("get", f"/v1/{resource}/{quote(object_id, safe='')}").data

    def fetch_subscription(self, provider_id: str) -> RemoteSubscription:
        sub = self._read("subscriptions", provider_id)
        item = (sub.get("items") or {}).get("data", [{}])[0]
        price = item.get("price") or item.get("plan") or {}
        # Since 2025-03-31 the period lives on the item; older versions (and localstripe) keep it on the subscription.
        period_end = item.get("current_period_end") or sub.get("current_period_end")
        return RemoteSubscription(
            provider_id=sub["id"],
            user_id=_user_id(sub.get("metadata")),
            customer_id=_id(sub.get("customer")),
            status=sub["status"],
            price_ref=price.get("id", ""),
            current_period_end=_when(period_end),
            cancel_at_period_end=bool(sub.get("cancel_at_period_end")),
            ended_at=_when(sub.get("ended_at")),
        )

    def fetch_payment(self, provider_id: str) -> RemotePayment:
        invoice = self._read("invoices", provider_id)
        charge_id = self._invoice_charge(invoice)
        refunded, disputed = 0, False
        if charge_id:
            charge = self._read("charges", charge_id)
            refunded, disputed = charge.get("amount_refunded", 0), bool(charge.get("disputed"))
        line = ((invoice.get("lines") or {}).get("data") or [{}])[0]
        period = line.get("period") or {}
        paid_at = (invoice.get("status_transitions") or {}).get("paid_at") or invoice.get("created")
        return RemotePayment(
            provider_id=invoice["id"],
            user_id=_user_id(invoice.get("metadata")),
            customer_id=_id(invoice.get("customer")),
            subscription_id=_invoice_subscription(invoice),
            description="Preceptor Pro",
            amount=invoice.get("amount_paid", 0),
            currency=invoice.get("currency", "eur"),
            paid_at=_when(paid_at) or datetime.now(UTC),
            period_start=_when(period.get("start") or invoice.get("period_start")),
            period_end=_when(period.get("end") or invoice.get("period_end")),
            refunded_amount=refunded,
            disputed=disputed,
        )


def _invoice_subscription(invoice: dict[str, Any]) -> str:
    """Since 2025-03-31 an invoice's subscription is under parent.subscription_details; older: top level."""
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return _id(details.get("subscription")) or _id(invoice.get("subscription"))


def _user_id(metadata: dict[str, Any] | None) -> int | None:
    value = (metadata or {}).get("preceptor_user")
    return int(value) if value and str(value).isdigit() else None
