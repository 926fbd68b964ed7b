"""PayPal: Subscriptions v1 for membership, webhooks verified offline with PayPal's certificate.

Verification: RSA-SHA256 over "{transmission id}|{transmission time}|{webhook id}|{crc32(raw body)}" with the
public key of the certificate at PAYPAL-CERT-URL, which must be on a PayPal host. The certificate fetcher is
injectable (tests use a self-made certificate); fetched certificates are cached for a day, and only URLs under
PayPal's certificate path on its API hosts are fetched, no more an hour than ``CERTIFICATE_FETCH_RATE`` allows.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.cache import cache
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
from preceptor.core.ratelimit import Rate, hit

PAYPAL_CERT_HOSTS = frozenset(
    {"api.paypal.com", "api-m.paypal.com", "api.sandbox.paypal.com", "api-m.sandbox.paypal.com"}
)
# PayPal's certificates live under one path, e.g. /v1/notifications/certs/CERT-360caa42-fca2a594-5edc0ebc.
PAYPAL_CERT_PATH = re.compile(r"^/v1/notifications/certs/[A-Za-z0-9_-]{1,100}$")
CERTIFICATE_FETCH_RATE = Rate(10, 60 * 60)  # certificates not yet cached: at most 10 fetched an hour
MAX_TRANSMISSION_AGE = timedelta(days=3)  # PayPal retries for up to three days
STATUS = {
    "APPROVAL_PENDING": "incomplete",
    "APPROVED": "incomplete",
    "ACTIVE": "active",
    "SUSPENDED": "past_due",
    "CANCELLED": "canceled",
    "EXPIRED": "canceled",
}

CertificateFetcher = Callable[[str], bytes]


def fetch_certificate(url: str) -> bytes:
    response = httpx.get(url, timeout=10, follow_redirects=False)
    response.raise_for_status()
    return response.content


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _minor(amount: dict[str, Any] | None) -> tuple[int, str]:
    amount = amount or {}
    value = amount.get("value") or amount.get("total") or "0"
    units, _, cents = str(value).partition(".")
    return int(units) * 100 + int((cents + "00")[:2]), (amount.get("currency_code") or amount.get("currency") or "EUR")


class PayPalProvider(PaymentProvider):
    name = "paypal"
    label = "PayPal"
    payment_failed_events = frozenset({"BILLING.SUBSCRIPTION.PAYMENT.FAILED"})

    def erasure_ask(self) -> str:
        """PayPal has no API to delete a payer: it keeps its account holders' records as their controller."""
        return (
            "PayPal offers no API to delete a payer. Write to PayPal's data-protection contact: the member behind "
            "the PayPal subscriptions and orders listed here has been erased; delete what PayPal processed for us "
            "about them (the subscriber e-mail and our member reference, custom_id) beyond what PayPal must keep "
            "as controller of its own account. Then close this task."
        )

    def __init__(self, *, fetcher: CertificateFetcher | None = None, transport: httpx.BaseTransport | None = None):
        self.fetcher = fetcher or fetch_certificate
        self.transport = transport

    def is_available(self) -> bool:
        return bool(settings.PAYPAL_CLIENT_ID and settings.PAYPAL_CLIENT_SECRET and settings.PAYPAL_WEBHOOK_ID)

    def redirect_origins(self) -> list[str]:
        """The approval page of the environment ``PAYPAL_API_BASE`` names (the only hosts an approval link may
        have, see ``checkout_url``): the sandbox's for a sandbox API, else the live one."""
        sandbox = "sandbox" in (urlsplit(settings.PAYPAL_API_BASE).hostname or "").split(".")
        return ["https://www.sandbox.paypal.com" if sandbox else "https://www.paypal.com"]

    # --- REST calls ------------------------------------------------------------------------------------
    def _http(self) -> httpx.Client:
        return httpx.Client(base_url=settings.PAYPAL_API_BASE, timeout=15, transport=self.transport)

    def _token(self, http: httpx.Client) -> str:
        cached = cache.get("billing:paypal:token")
        if cached:
            return cached
        response = http.post(
            "/v1/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET),
        )
        response.raise_for_status()
        data = response.json()
        cache.set("billing:paypal:token", data["access_token"], max(60, int(data.get("expires_in", 3600)) - 60))
        return data["access_token"]

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            with self._http() as http:
                headers = {"Authorization": f"Bearer {self._token(http)}", **kwargs.pop("headers", {})}
                response = http.request(method, path, headers=headers, **kwargs)
                response.raise_for_status()
                return response.json() if response.content else {}
        except httpx.HTTPError as exc:
            raise ProviderError(f"PayPal {method} {path}: {exc}") from exc

    # --- Buying and managing ---------------------------------------------------------------------------
    def checkout_url(self, *, request: HttpRequest, user: User, price: Price) -> str:
        if not price.paypal_plan_id:
            raise ProviderError(f"{price} has no PayPal plan id")
        data = self._call(
            "POST",
            "/v1/billing/subscriptions",
            json={
                "plan_id": price.paypal_plan_id,
                "custom_id": str(user.pk),
                "subscriber": {"email_address": user.email},
                "application_context": {
                    "brand_name": "Preceptor",
                    "user_action": "SUBSCRIBE_NOW",
                    "return_url": request.build_absolute_uri(reverse("billing:overview")),
                    "cancel_url": request.build_absolute_uri(reverse("billing:pricing")),
                },
            },
            headers={"PayPal-Request-Id": f"subscribe-{user.pk}-{price.pk}-{request.session.session_key}"},
        )
        approve = next((link["href"] for link in data.get("links", []) if link.get("rel") == "approve"), None)
        if not approve or urlsplit(approve).hostname not in {"www.paypal.com", "www.sandbox.paypal.com"}:
            raise ProviderError("PayPal gave no approval link on a PayPal host")
        return approve

    # PayPal's cancellation is final (a CANCELLED subscription cannot be activated again), so there is no
    # ``resume``: the cancel page says so before the member confirms.
    can_resume = False

    def cancel(self, *, subscription: Subscription) -> None:
        self._call(
            "POST",
            f"/v1/billing/subscriptions/{subscription.provider_id}/cancel",
            json={"reason": "Cancelled by the member in Preceptor"},
        )
        from preceptor.billing.services import subscription_sync

        subscription_sync(provider=self, remote=self.fetch_subscription(subscription.provider_id))

    def order_checkout_url(self, *, request: HttpRequest, order: Order) -> str:
        ref = str(order.public_id)
        value = f"{order.amount // 100}.{order.amount % 100:02d}"
        data = self._call(
            "POST",
            "/v2/checkout/orders",
            json={
                "intent": "CAPTURE",
                "purchase_units": [
                    {
                        "reference_id": ref,
                        "custom_id": ref,
                        "description": order.description[:127],
                        "amount": {"currency_code": order.currency.upper(), "value": value},
                    }
                ],
                "application_context": {
                    "brand_name": "Preceptor",
                    "user_action": "PAY_NOW",
                    "return_url": request.build_absolute_uri(reverse("billing:order_return", args=[ref])),
                    "cancel_url": request.build_absolute_uri(reverse("billing:overview")),
                },
            },
            headers={"PayPal-Request-Id": f"order-{ref}"},
        )
        approve = next(
            (link["href"] for link in data.get("links", []) if link.get("rel") in ("approve", "payer-action")), None
        )
        if not approve or urlsplit(approve).hostname not in {"www.paypal.com", "www.sandbox.paypal.com"}:
            raise ProviderError("PayPal gave no approval link on a PayPal host")
        order.provider_id = data["id"]
        return approve

    def order_returned(self, *, order: Order) -> None:
        """The buyer approved at PayPal: capture now (idempotent by request id), then read the result."""
        # Already captured, or declined: either way the order's own record, read next, says which.
        with contextlib.suppress(ProviderError):
            self._call(
                "POST",
                f"/v2/checkout/orders/{order.provider_id}/capture",
                json={},
                headers={"PayPal-Request-Id": f"capture-{order.public_id}"},
            )
        from preceptor.billing.services import order_sync

        order_sync(provider=self, remote=self.fetch_order(order.provider_id))

    def fetch_order(self, provider_id: str) -> RemoteOrder:
        data = self._call("GET", f"/v2/checkout/orders/{provider_id}")
        unit = (data.get("purchase_units") or [{}])[0]
        captures = ((unit.get("payments") or {}).get("captures")) or []
        capture = captures[0] if captures else {}
        status = {
            "COMPLETED": "paid",
            "REFUNDED": "refunded",
            "PARTIALLY_REFUNDED": "paid",
            "DECLINED": "failed",
            "FAILED": "failed",
        }.get(capture.get("status", ""), "pending")
        amount, currency = _minor(unit.get("amount"))
        return RemoteOrder(
            provider_id=data["id"],
            order_ref=unit.get("custom_id", ""),
            status=status,
            amount=amount,
            currency=currency,
            paid_at=_when(capture.get("create_time")),
        )

    # --- Webhooks --------------------------------------------------------------------------------------
    def _certificate(self, url: str) -> x509.Certificate:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise InvalidSignature(f"certificate URL is not a URL: {url!r}") from exc
        if parts.scheme != "https" or parts.hostname not in PAYPAL_CERT_HOSTS or port not in (None, 443):
            raise InvalidSignature(f"certificate URL is not on a PayPal host: {url!r}")
        if parts.username or parts.password or parts.query or parts.fragment or not PAYPAL_CERT_PATH.match(parts.path):
            raise InvalidSignature(f"certificate URL is not under PayPal's certificate path: {url!r}")
        key = f"billing:paypal:cert:{url}"
        pem = cache.get(key)
        if pem is None:
            # A forged webhook names a new certificate each time; only so many are fetched (cached ones are free).
            if hit(action="billing.paypal_certificate_fetch", key="paypal", rate=CERTIFICATE_FETCH_RATE):
                raise InvalidSignature("too many certificate fetches; try again later")
            try:
                pem = self.fetcher(url)
            except Exception as exc:
                raise InvalidSignature(f"certificate could not be fetched: {exc}") from exc
            cache.set(key, pem, 24 * 3600)
        try:
            certificate = x509.load_pem_x509_certificate(pem)
        except ValueError as exc:
            raise InvalidSignature("certificate is not a PEM X.509 certificate") from exc
        now = datetime.now(UTC)
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise InvalidSignature("certificate is not valid now")
        return certificate

    def verify(self, request: HttpRequest) -> IncomingEvent:
        headers = request.headers
        transmission_id = headers.get("Paypal-Transmission-Id", "")
        transmission_time = headers.get("Paypal-Transmission-Time", "")
        signature = headers.get("Paypal-Transmission-Sig", "")
        if not (transmission_id and transmission_time and signature):
            raise InvalidSignature("missing PayPal transmission headers")
        if headers.get("Paypal-Auth-Algo", "SHA256withRSA") != "SHA256withRSA":
            raise InvalidSignature("unsupported signature algorithm")
        sent = _when(transmission_time)
        if sent is None or abs(datetime.now(UTC) - sent) > MAX_TRANSMISSION_AGE:
            raise InvalidSignature("stale or malformed transmission time")
        certificate = self._certificate(headers.get("Paypal-Cert-Url", ""))
        message = f"{transmission_id}|{transmission_time}|{settings.PAYPAL_WEBHOOK_ID}|{zlib.crc32(request.body)}"
        public_key = certificate.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise InvalidSignature("certificate key is not RSA")
        try:
            public_key.verify(base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256())
        except (CryptoInvalidSignature, binascii.Error, ValueError) as exc:
            raise InvalidSignature("signature does not match") from exc
        try:
            import json

            data = json.loads(request.body)
        except ValueError as exc:
            raise InvalidSignature("body is not JSON") from exc
        return IncomingEvent(event_id=data["id"], type=data["event_type"], payload=data)

    def effects(self, event: IncomingEvent) -> Effects:
        resource = event.payload.get("resource", {})
        if event.type.startswith("BILLING.SUBSCRIPTION."):
            return Effects(subscriptions=[resource["id"]])
        if event.type == "CHECKOUT.ORDER.APPROVED":
            return Effects(orders=[resource["id"]])
        if event.type.startswith("PAYMENT.CAPTURE."):
            order_id = ((resource.get("supplementary_data") or {}).get("related_ids") or {}).get("order_id")
            return Effects(orders=[order_id] if order_id else [])
        if event.type == "PAYMENT.SALE.COMPLETED":
            subscription = resource.get("billing_agreement_id", "")
            return Effects(subscriptions=[subscription] if subscription else [], payments=[resource["id"]])
        if event.type in ("PAYMENT.SALE.REFUNDED", "PAYMENT.SALE.REVERSED"):
            return Effects(payments=[resource.get("sale_id") or resource["id"]])
        return Effects()

    def fetch_subscription(self, provider_id: str) -> RemoteSubscription:
        sub = self._call("GET", f"/v1/billing/subscriptions/{provider_id}")
        billing = sub.get("billing_info") or {}
        paid_until = _when(billing.get("next_billing_time"))
        status = STATUS.get(sub.get("status", ""), "incomplete")
        cancelled_in_period = status == "canceled" and paid_until and paid_until > datetime.now(UTC)
        return RemoteSubscription(
            provider_id=sub["id"],
            user_id=int(sub["custom_id"]) if str(sub.get("custom_id", "")).isdigit() else None,
            customer_id=(sub.get("subscriber") or {}).get("payer_id", ""),
            # PayPal ends a cancelled subscription at once; the member keeps what they paid for.
            status="active" if cancelled_in_period else status,
            price_ref=sub.get("plan_id", ""),
            current_period_end=paid_until,
            cancel_at_period_end=status == "canceled",
            ended_at=None if cancelled_in_period or status != "canceled" else _when(sub.get("status_update_time")),
        )

    def fetch_payment(self, provider_id: str) -> RemotePayment:
        sale = self._call("GET", f"/v1/payments/sale/{provider_id}")
        amount, currency = _minor(sale.get("amount"))
        refunded = 0
        if sale.get("state") in ("refunded", "partially_refunded"):
            refunded = amount if sale["state"] == "refunded" else 0
        subscription_id = sale.get("billing_agreement_id", "")
        sub = self._call("GET", f"/v1/billing/subscriptions/{subscription_id}") if subscription_id else {}
        return RemotePayment(
            provider_id=sale["id"],
            user_id=int(sub["custom_id"]) if str(sub.get("custom_id", "")).isdigit() else None,
            customer_id=(sub.get("subscriber") or {}).get("payer_id", ""),
            subscription_id=subscription_id,
            description="Preceptor Pro (PayPal)",
            amount=amount,
            currency=currency,
            paid_at=_when(sale.get("create_time")) or datetime.now(UTC),
            refunded_amount=refunded,
            disputed=sale.get("state") == "reversed",
        )
