"""Billing test helpers: demo prices and a demo purchase, a localstripe server per session, Stripe-signed events."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

WEBHOOK_SECRET = "whsec_test_preceptor"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_url():
    """A fresh localstripe (a stateful fake Stripe server from PyPI) on a free loopback port."""
    port = _free_port()
    command = shutil.which("localstripe") or str(Path(sys.executable).parent / "localstripe")
    process = subprocess.Popen(
        [command, "--port", str(port), "--from-scratch"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}/v1/customers", timeout=1)  # noqa: S310 - loopback
            break
        except urllib.error.HTTPError:
            break  # it answers (401 without a key): up
        except OSError:
            assert process.poll() is None, "localstripe exited"
            assert time.monotonic() < deadline, "localstripe did not start"
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def stripe_settings(settings, localstripe_url):
    settings.STRIPE_SECRET_KEY = "sk_test_preceptor"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_url
    return settings


def sign(payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_event(event_type: str, obj: dict, *, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id
            or f"evt_{hashlib.sha1(json.dumps(obj, sort_keys=True).encode() + event_type.encode()).hexdigest()[:20]}",  # noqa: S324 -- SHA-1 only makes a fake event id, not a secret
            "object": "event",
            "type": event_type,
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "data": {"object": obj},
        }
    ).encode()


def post_event(client, body: bytes, **headers):
    headers.setdefault("HTTP_STRIPE_SIGNATURE", sign(body))
    return client.post("/webhooks/stripe/", data=body, content_type="application/json", **headers)


@pytest.fixture
def prices(db, settings):
    # Imported here: bench/w1.py imports this module for its secret before Django is set up.
    from preceptor.billing.services import prices_ensure

    settings.DEBUG = True  # the demo checkout exists only on servers in debug mode (pytest turns DEBUG off)
    return {(p.interval, p.currency): p for p in prices_ensure()}


def buy(client, user, interval="month", currency="EUR"):
    client.force_login(user)
    response = client.post(
        reverse("billing:checkout"), {"interval": interval, "currency": currency, "provider": "demo"}
    )
    assert response.status_code == 302, response
    return client.post(response.url)


def refund_in_full(user):
    """The demo provider reports the member's payment refunded in full, as its webhook would (``payment_sync``)."""
    from preceptor.billing.models import Receipt
    from preceptor.billing.providers import registry
    from preceptor.billing.providers.base import RemotePayment
    from preceptor.billing.services import payment_sync

    receipt = Receipt.objects.get(user=user)
    payment_sync(
        provider=registry.get("demo"),
        remote=RemotePayment(
            provider_id=receipt.provider_id,
            user_id=user.pk,
            customer_id=f"demo_cus_{user.pk}",
            subscription_id=receipt.subscription.provider_id,
            description=receipt.description,
            amount=receipt.amount,
            currency="EUR",
            paid_at=receipt.paid_at,
            refunded_amount=receipt.amount,
        ),
    )
    receipt.refresh_from_db()
    return receipt
