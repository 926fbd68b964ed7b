"""An invoice paid by bank transfer, for organisations that cannot pay by card (decision 0042). Only one-off orders
(an organisation's licence); never a subscription. There is no remote service: the order waits, with the bank
details and its reference on the member's page, until staff who hold ``billing.record_transfer`` record the money
as received (``services.order_transfer_record``) — then it takes the same path as a provider's confirmation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from preceptor.accounts.models import User
from preceptor.billing.models import Order, Price, Subscription
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


class BankTransferProvider(PaymentProvider):
    name = "transfer"
    label = "Invoice, paid by bank transfer"

    def is_available(self) -> bool:
        return bool(settings.BANK_TRANSFER_DETAILS)

    def checkout_url(self, *, request: HttpRequest, user: User, price: Price) -> str:
        raise ProviderError("A bank transfer pays a one-off order, not a subscription.")

    def cancel(self, *, subscription: Subscription) -> None:
        raise ProviderError("A bank transfer pays no subscription.")

    def order_checkout_url(self, *, request: HttpRequest, order: Order) -> str:
        if not self.is_available():
            raise ProviderError("Bank transfer is not offered on this server.")
        order.provider_id = f"transfer_{order.public_id.hex}"
        return reverse("billing:transfer", args=[order.public_id])

    def fetch_order(self, provider_id: str) -> RemoteOrder:
        order = Order.objects.filter(provider=self.name, provider_id=provider_id).first()
        if order is None:
            raise ProviderError(f"No bank-transfer order {provider_id}.")
        return RemoteOrder(
            provider_id=provider_id,
            order_ref=str(order.public_id),
            status=order.status,
            amount=order.amount,
            currency=order.currency,
            paid_at=order.paid_at,
        )

    def verify(self, request: HttpRequest) -> IncomingEvent:
        raise InvalidSignature("Bank transfers send no webhooks.")

    def effects(self, event: IncomingEvent) -> Effects:
        return Effects()

    def fetch_subscription(self, provider_id: str) -> RemoteSubscription:
        raise ProviderError("A bank transfer pays no subscription.")

    def fetch_payment(self, provider_id: str) -> RemotePayment:
        raise ProviderError("Bank transfers are recorded by staff, not fetched.")
