"""One small base class for every payment provider. Adding a provider touches nothing else."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from django.http import HttpRequest

from preceptor.accounts.models import User
from preceptor.billing.models import Order, Price, Subscription


class InvalidSignature(Exception):
    """The webhook request is not from the provider (or is too old)."""


class ProviderError(Exception):
    """The provider refused or could not be reached; shown to the member as a retry-later message."""


@dataclass(frozen=True)
class IncomingEvent:
    event_id: str
    type: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class RemoteSubscription:
    """A subscription as the provider holds it now."""

    provider_id: str
    user_id: int | None
    customer_id: str
    status: str
    price_ref: str
    current_period_end: datetime | None
    cancel_at_period_end: bool
    ended_at: datetime | None = None


@dataclass(frozen=True)
class RemotePayment:
    """A payment as the provider holds it now: an invoice, a capture or a sale."""

    provider_id: str
    user_id: int | None
    customer_id: str
    subscription_id: str
    description: str
    amount: int
    currency: str
    paid_at: datetime
    period_start: datetime | None = None
    period_end: datetime | None = None
    refunded_amount: int = 0
    disputed: bool = False


@dataclass(frozen=True)
class RemoteOrder:
    """A one-off payment as the provider holds it now."""

    provider_id: str
    order_ref: str  # our Order.public_id, carried by the provider's record
    status: str  # pending / paid / refunded / failed
    amount: int
    currency: str
    paid_at: datetime | None = None


@dataclass(frozen=True)
class Effects:
    """What an event asks us to re-read from the provider."""

    subscriptions: list[str] = field(default_factory=list)
    payments: list[str] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)


class PaymentProvider(ABC):
    name: ClassVar[str]
    label: ClassVar[str]
    payment_failed_events: ClassVar[frozenset[str]] = frozenset()  # these send the member a dunning e-mail

    @abstractmethod
    def is_available(self) -> bool:
        """Configured (and, for the demo, allowed) on this server."""

    # Buying and managing
    @abstractmethod
    def checkout_url(self, *, request: HttpRequest, user: User, price: Price) -> str:
        """Where to send the member to pay for ``price``."""

    @abstractmethod
    def cancel(self, *, subscription: Subscription) -> None:
        """Ask the provider to end the subscription at the end of the paid period."""

    can_resume: ClassVar[bool] = False  # whether a cancelled subscription can renew again before its period ends

    def resume(self, *, subscription: Subscription) -> None:
        """Undo ``cancel`` while the paid period lasts: the subscription renews again. Only where ``can_resume``;
        a provider whose cancellation is final keeps this refusal (the page then says so before cancelling)."""
        raise ProviderError(f"{self.label} cannot resume a cancelled subscription")

    @abstractmethod
    def order_checkout_url(self, *, request: HttpRequest, order: Order) -> str:
        """Where to send the member to pay a one-off ``order``; records the provider's id on the order."""

    @abstractmethod
    def fetch_order(self, provider_id: str) -> RemoteOrder:
        """The one-off payment as the provider holds it now."""

    def order_returned(self, *, order: Order) -> None:  # noqa: B027 - optional hook, nothing by default
        """The member came back from the provider's page (PayPal captures here)."""

    def manage_url(self, *, request: HttpRequest, user: User) -> str | None:
        """A provider-hosted page to change the card or plan; None when the provider has none."""
        return None

    # Erasure (decision 0029)
    can_delete_customers: ClassVar[bool] = False  # the provider's API deletes a customer record on request

    def customer_delete(self, *, provider_id: str) -> bool:
        """Delete the customer ``provider_id`` at the provider (an erased member's): True when deleted now, False
        when it was already gone (a replay). Raises ``ProviderError`` when the provider could not be reached.
        Only where ``can_delete_customers``; elsewhere the erasure records a task instead."""
        raise ProviderError(f"{self.label} cannot delete a customer through its API")

    def erasure_ask(self) -> str:
        """What the privacy officer must ask of the provider when it offers no deletion API (blank: nothing)."""
        return ""

    def redirect_origins(self) -> list[str]:
        """The origins (scheme, host, port) our checkout and manage POSTs redirect the browser to. A page that
        shows such a form admits them in its ``form-action``: Chromium checks a form submission's redirects too.
        None by default (the provider's pages are on this site)."""
        return []

    # Webhooks
    @abstractmethod
    def verify(self, request: HttpRequest) -> IncomingEvent:
        """The event in the request if its signature is valid; raises InvalidSignature otherwise."""

    @abstractmethod
    def effects(self, event: IncomingEvent) -> Effects:
        """Which provider objects the event concerns (to be re-read, never trusted from the payload)."""

    @abstractmethod
    def fetch_subscription(self, provider_id: str) -> RemoteSubscription:
        """The subscription as the provider holds it now."""

    @abstractmethod
    def fetch_payment(self, provider_id: str) -> RemotePayment:
        """The payment as the provider holds it now."""
