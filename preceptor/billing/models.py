from __future__ import annotations

import uuid
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from preceptor.core.money import money


class Interval(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Yearly")


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    USD = "USD", "USD"


class Price(models.Model):
    """What Pro costs for one billing interval in one currency, and its ids at the providers."""

    interval = models.CharField(_("billing interval"), max_length=5, choices=Interval.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = models.PositiveIntegerField(_("amount (cents)"), help_text=_("In minor units: 2900 is 29.00."))
    stripe_price_id = models.CharField(_("Stripe price or plan id"), max_length=100, blank=True)
    paypal_plan_id = models.CharField(_("PayPal plan id"), max_length=100, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["currency", "interval"]
        verbose_name = _("price")
        constraints = [
            models.UniqueConstraint(fields=["interval", "currency"], name="billing_price_interval_currency"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="billing_price_positive"),
        ]

    def __str__(self) -> str:
        return f"Pro {self.get_interval_display()} {self.display}"

    @property
    def display(self) -> str:
        return money(self.amount, self.currency)


class Customer(models.Model):
    """The member's customer record at a provider (reused for every later purchase)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing_customers")
    provider = models.CharField(max_length=10)
    provider_id = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "provider"], name="billing_customer_user_provider"),
            models.UniqueConstraint(fields=["provider", "provider_id"], name="billing_customer_provider_id"),
        ]


class Subscription(models.Model):
    """Our copy of a provider's subscription, upserted from the provider's own record (never from a redirect)."""

    class Status(models.TextChoices):
        TRIALING = "trialing", _("Trialing")
        ACTIVE = "active", _("Active")
        INCOMPLETE = "incomplete", _("Payment pending")
        INCOMPLETE_EXPIRED = "incomplete_expired", _("Payment never completed")
        PAST_DUE = "past_due", _("Payment overdue")
        CANCELED = "canceled", _("Ended")
        UNPAID = "unpaid", _("Unpaid")
        PAUSED = "paused", _("Paused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subscriptions")
    provider = models.CharField(max_length=10)
    provider_id = models.CharField(max_length=100)
    price = models.ForeignKey(Price, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    past_due_since = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a refund or dispute takes back the access this subscription gave."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_id"], name="billing_subscription_provider_id"),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.provider}:{self.provider_id} ({self.status})"

    def grants_pro(self, now: datetime, grace_days: int) -> bool:
        """trialing/active give Pro, until the end of the period when set to cancel; past_due keeps it for the
        grace period."""
        if self.revoked_at:
            return False
        if self.cancel_at_period_end and self.current_period_end and now >= self.current_period_end:
            return False
        if self.status in (self.Status.TRIALING, self.Status.ACTIVE):
            return True
        if self.status == self.Status.PAST_DUE and self.past_due_since:
            return (now - self.past_due_since).days < grace_days
        return False


class BillingDetails(models.Model):
    """Who invoices are made out to, as the member gives it on the billing page (for reimbursement by an
    employer or a tax return). Copied into each invoice when it is issued: later changes leave issued ones be."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing_details")
    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    address = models.TextField(_("address"), max_length=300)
    vat_id = models.CharField(_("VAT id"), max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("billing details")
        verbose_name_plural = _("billing details")

    def __str__(self) -> str:
        return self.organisation or self.name

    def as_invoice_buyer(self) -> dict[str, str]:
        return {
            "name": self.name,
            "organisation": self.organisation,
            "address": self.address,
            "vat_id": self.vat_id,
            "email": self.user.email,
        }


class InvoiceCounter(models.Model):
    """The last invoice number given in a year. It is counted up under a row lock in the transaction that records
    the payment, so the numbers run without gaps (a rolled-back payment rolls its number back too) and are never
    given twice."""

    year = models.PositiveIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Receipt(models.Model):
    """A payment the member made: amount, currency, period and the provider's reference. No card data. Each paid
    receipt is an invoice: a number of its own, and the seller and buyer as they were when it was issued."""

    class Status(models.TextChoices):
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")
        DISPUTED = "disputed", _("Disputed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="receipts")
    provider = models.CharField(max_length=10)
    provider_id = models.CharField(_("provider reference"), max_length=100)
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="receipts"
    )
    description = models.CharField(max_length=200)
    amount = models.PositiveIntegerField(_("amount (cents)"))
    refunded_amount = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PAID)
    invoice_number = models.CharField(_("invoice number"), max_length=20, null=True, blank=True, editable=False)
    invoice_seller = models.JSONField(default=dict, blank=True, editable=False)
    invoice_buyer = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-paid_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_id"], name="billing_receipt_provider_id"),
            models.UniqueConstraint(fields=["invoice_number"], name="billing_receipt_invoice_number_once"),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("amount")),
                name="billing_receipt_refund_not_above_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.display}"

    def get_absolute_url(self) -> str:
        return reverse("billing:receipt", args=[self.public_id])

    @property
    def display(self) -> str:
        return money(self.amount, self.currency)

    @property
    def vat_percent(self) -> Decimal:
        return Decimal(str(self.invoice_seller.get("vat_percent") or "0"))

    @property
    def vat_percent_display(self) -> str:
        return f"{self.vat_percent.normalize():f}"  # "19", "7", "20" (never "2E+1")

    @property
    def vat_amount(self) -> int:
        """The VAT included in the (gross) amount, in minor units, rounded half up."""
        percent = self.vat_percent
        vat = Decimal(self.amount) * percent / (Decimal(100) + percent)
        return int(vat.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def net_display(self) -> str:
        return money(self.amount - self.vat_amount, self.currency)

    @property
    def vat_display(self) -> str:
        return money(self.vat_amount, self.currency)


class Order(models.Model):
    """A one-off purchase (a single class, later): created pending here, paid at the provider, confirmed only by
    re-reading the provider's record. ``item`` names what it buys, e.g. ``class:ecg-clinic-2026-12``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Payment failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    item = models.CharField(max_length=120)
    description = models.CharField(max_length=200)
    amount = models.PositiveIntegerField(_("amount (cents)"))
    currency = models.CharField(max_length=3)
    provider = models.CharField(max_length=10, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("record_transfer", _("Record bank transfers received for invoices"))]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_id"],
                condition=~models.Q(provider_id=""),
                name="billing_order_provider_id",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="billing_order_positive"),
        ]
        indexes = [models.Index(fields=["user", "item"])]

    def __str__(self) -> str:
        return f"{self.description} ({self.status})"

    @property
    def display(self) -> str:
        return money(self.amount, self.currency)

    @property
    def return_session_key(self) -> str:
        """The session key under which a page that starts a purchase leaves the address to come back to."""
        return f"billing-order-next-{self.public_id}"


class ProviderEvent(models.Model):
    """Every webhook event, stored once: (provider, event id) is unique, so a duplicate has no second effect."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored (type not handled)")
        FAILED = "failed", _("Failed")

    provider = models.CharField(max_length=10)
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="billing_event_once")]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class DemoOrder(models.Model):
    """The demo provider's record of a one-off payment."""

    demo_id = models.CharField(max_length=40, unique=True)
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, default="open")  # open → paid → refunded


class DemoSubscription(models.Model):
    """The demo provider's own record (what Stripe or PayPal would hold), re-read like a real provider's."""

    demo_id = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    price = models.ForeignKey(Price, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    cancel_at_period_end = models.BooleanField(default=False)
