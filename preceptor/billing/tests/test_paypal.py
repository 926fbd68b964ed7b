"""PayPal webhooks verified offline with a self-made certificate through an injected fetcher; PayPal's REST API
faked at its HTTP boundary (httpx MockTransport)."""

import base64
import json
import zlib
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from preceptor.billing.models import Price, ProviderEvent, Receipt, Subscription
from preceptor.billing.providers.registry import get
from preceptor.billing.selectors import membership_for
from preceptor.billing.services import subscription_cancel
from preceptor.core.tests.certificates import self_signed

pytestmark = pytest.mark.django_db
WEBHOOK_ID = "WH-PRECEPTOR-TEST"
CERT_URL = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-test"


def make_certificate(common_name="messageverificationcerts.paypal.com"):
    return self_signed(common_name)


KEY, PEM = make_certificate()


class FakePayPal:
    """PayPal's REST API as far as Preceptor uses it, holding subscriptions and sales in memory."""

    def __init__(self):
        self.subscriptions: dict[str, dict] = {}
        self.sales: dict[str, dict] = {}
        self.calls: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.calls.append(f"{request.method} {path}")
        if path == "/v1/oauth2/token":
            return httpx.Response(200, json={"access_token": "A21-test", "expires_in": 32400})
        if path.startswith("/v1/billing/subscriptions/") and path.endswith("/cancel"):
            sub = self.subscriptions[path.split("/")[4]]
            sub["status"] = "CANCELLED"
            return httpx.Response(204)
        if path.startswith("/v1/billing/subscriptions/"):
            found = self.subscriptions.get(path.rsplit("/", 1)[-1])
            return (
                httpx.Response(200, json=found) if found else httpx.Response(404, json={"name": "RESOURCE_NOT_FOUND"})
            )
        if path.startswith("/v1/payments/sale/"):
            return httpx.Response(200, json=self.sales[path.rsplit("/", 1)[-1]])
        return httpx.Response(404)

    def subscription(self, user, plan_id, status="ACTIVE", paid_until=None):
        sub_id = f"I-{len(self.subscriptions) + 1:012d}"
        paid_until = paid_until or datetime.now(UTC) + timedelta(days=30)
        self.subscriptions[sub_id] = {
            "id": sub_id,
            "plan_id": plan_id,
            "status": status,
            "custom_id": str(user.pk),
            "subscriber": {"payer_id": f"PAYER{user.pk}", "email_address": user.email},
            "billing_info": {"next_billing_time": paid_until.strftime("%Y-%m-%dT%H:%M:%SZ")},
        }
        return sub_id


@pytest.fixture
def paypal(settings, monkeypatch):
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "client", "secret"
    settings.PAYPAL_WEBHOOK_ID = WEBHOOK_ID
    settings.PAYPAL_API_BASE = "https://api-m.sandbox.paypal.com"
    fake = FakePayPal()
    fetched: list[str] = []

    def fetcher(url):
        fetched.append(url)
        return PEM

    provider = get("paypal")
    monkeypatch.setattr(provider, "fetcher", fetcher)
    monkeypatch.setattr(provider, "transport", httpx.MockTransport(fake.handler))
    fake.fetched = fetched
    return fake


@pytest.fixture
def paypal_price(db):
    return Price.objects.create(interval="month", currency="EUR", amount=2900, paypal_plan_id="P-PRO-MONTH-EUR")


def signed(event: dict, *, key=KEY, cert_url=CERT_URL, when=None, webhook_id=WEBHOOK_ID, body=None):
    body = body or json.dumps(event).encode()
    transmission_id = "b2384410-f8d2-11ef-8cbf-0b5d8c8f2c2e"
    when = when or datetime.now(UTC)
    transmission_time = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    message = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}".encode()
    signature = base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
    headers = {
        "HTTP_PAYPAL_TRANSMISSION_ID": transmission_id,
        "HTTP_PAYPAL_TRANSMISSION_TIME": transmission_time,
        "HTTP_PAYPAL_TRANSMISSION_SIG": signature,
        "HTTP_PAYPAL_CERT_URL": cert_url,
        "HTTP_PAYPAL_AUTH_ALGO": "SHA256withRSA",
    }
    return body, headers


def post(client, event=None, *, body=None, headers=None, **sign_options):
    if headers is None:
        body, headers = signed(event, body=body, **sign_options)
    return client.post("/webhooks/paypal/", data=body, content_type="application/json", **headers)


def event(event_type, resource, event_id="WH-1"):
    return {"id": event_id, "event_type": event_type, "resource_type": "subscription", "resource": resource}


def test_a_signed_activation_gives_pro(client, paypal, paypal_price, learner):
    sub_id = paypal.subscription(learner, "P-PRO-MONTH-EUR")
    response = post(client, event("BILLING.SUBSCRIPTION.ACTIVATED", {"id": sub_id, "status": "ACTIVE"}))
    assert response.status_code == 200
    subscription = Subscription.objects.get(user=learner)
    assert (subscription.provider, subscription.status, subscription.price) == ("paypal", "active", paypal_price)
    assert membership_for(learner).is_pro
    assert paypal.fetched == [CERT_URL]


def test_the_certificate_is_fetched_once_and_cached(client, paypal, paypal_price, learner):
    sub_id = paypal.subscription(learner, "P-PRO-MONTH-EUR")
    post(client, event("BILLING.SUBSCRIPTION.ACTIVATED", {"id": sub_id}, "WH-1"))
    post(client, event("BILLING.SUBSCRIPTION.UPDATED", {"id": sub_id}, "WH-2"))
    assert paypal.fetched == [CERT_URL]


def test_a_completed_sale_records_a_receipt(client, paypal, paypal_price, learner):
    sub_id = paypal.subscription(learner, "P-PRO-MONTH-EUR")
    paypal.sales["SALE-1"] = {
        "id": "SALE-1",
        "state": "completed",
        "billing_agreement_id": sub_id,
        "amount": {"total": "29.00", "currency": "EUR"},
        "create_time": "2026-11-25T10:00:00Z",
    }
    assert (
        post(client, event("PAYMENT.SALE.COMPLETED", {"id": "SALE-1", "billing_agreement_id": sub_id})).status_code
        == 200
    )
    receipt = Receipt.objects.get(user=learner)
    assert (receipt.amount, receipt.currency, receipt.provider_id) == (2900, "EUR", "SALE-1")


@pytest.mark.parametrize(
    "cert_url",
    [
        "https://evil.example.com/cert.pem",
        "http://api.paypal.com/v1/notifications/certs/CERT",
        "https://api.paypal.com.evil.example/cert",
        "https://api.paypal.com:8443/v1/notifications/certs/CERT",
        "https://api.paypal.com/v1/oauth2/token",
        "https://api.paypal.com/v1/notifications/certs/../../oauth2/token",
        "https://api.paypal.com/v1/notifications/certs/CERT?next=https://evil.example/",
        "https://user:pass@api.paypal.com/v1/notifications/certs/CERT",
        "https://api.paypal.com:99999/v1/notifications/certs/CERT",
        "https://[::1/v1/notifications/certs/CERT",
        "",
    ],
)
def test_a_certificate_outside_paypals_hosts_is_refused_without_fetching_it(client, paypal, cert_url):
    response = post(client, event("BILLING.SUBSCRIPTION.ACTIVATED", {"id": "I-1"}), cert_url=cert_url)
    assert response.status_code == 400
    assert paypal.fetched == []
    assert ProviderEvent.objects.count() == 0


def test_certificates_not_yet_cached_are_fetched_at_most_ten_an_hour(client, paypal):
    forger_key, _pem = make_certificate()
    for n in range(12):  # a forger naming a new certificate each time
        url = f"https://api.paypal.com/v1/notifications/certs/CERT-{n}"
        payload = event("BILLING.SUBSCRIPTION.ACTIVATED", {"id": "I-1"}, f"WH-{n}")
        assert post(client, payload, cert_url=url, key=forger_key).status_code == 400
    assert len(paypal.fetched) == 10
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=1)):
        payload = event("BILLING.SUBSCRIPTION.ACTIVATED", {"id": "I-1"}, "WH-99")
        assert post(client, payload, cert_url=f"{CERT_URL}-later", key=forger_key).status_code == 400
    assert len(paypal.fetched) == 11
    assert ProviderEvent.objects.count() == 0


def test_a_signature_from_another_key_is_refused(client, paypal):
    other_key, _pem = make_certificate()
    assert post(client, event("BILLING.SUBSCRIPTION.ACTIVATED", {"id": "I-1"}), key=other_key).status_code == 400
    assert ProviderEvent.objects.count() == 0


def test_a_signature_for_another_webhook_or_a_changed_body_is_refused(client, paypal):
    payload = event("BILLING.SUBSCRIPTION.ACTIVATED", {"id": "I-1"})
    assert post(client, payload, webhook_id="WH-SOMEONE-ELSE").status_code == 400
    body, headers = signed(payload)
    assert post(client, body=body.replace(b"I-1", b"I-2"), headers=headers).status_code == 400
    assert ProviderEvent.objects.count() == 0


def test_a_stale_transmission_is_refused(client, paypal):
    old = datetime.now(UTC) - timedelta(days=4)
    assert post(client, event("BILLING.SUBSCRIPTION.ACTIVATED", {"id": "I-1"}), when=old).status_code == 400


def test_cancelling_keeps_pro_until_the_paid_period_ends(client, paypal, paypal_price, learner):
    sub_id = paypal.subscription(learner, "P-PRO-MONTH-EUR")
    post(client, event("BILLING.SUBSCRIPTION.ACTIVATED", {"id": sub_id}))
    subscription = Subscription.objects.get(user=learner)
    subscription_cancel(subscription=subscription, actor=learner, provider=get("paypal"))
    assert f"POST /v1/billing/subscriptions/{sub_id}/cancel" in paypal.calls
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end and subscription.status == "active"
    assert membership_for(learner).is_pro and not membership_for(learner).renews
    later = subscription.current_period_end + timedelta(minutes=1)
    assert not membership_for(learner, now=later).is_pro


def test_a_sale_webhook_mails_the_receipt_in_the_members_language(
    client, paypal, paypal_price, learner, django_capture_on_commit_callbacks
):
    from django.core import mail

    learner.language = "de"
    learner.save(update_fields=["language"])
    sub_id = paypal.subscription(learner, "P-PRO-MONTH-EUR")
    paypal.sales["SALE-2"] = {
        "id": "SALE-2",
        "state": "completed",
        "billing_agreement_id": sub_id,
        "amount": {"total": "29.00", "currency": "EUR"},
        "create_time": "2026-11-25T10:00:00Z",
    }
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # PayPal's request: nothing of the member's language in it
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event("PAYMENT.SALE.COMPLETED", {"id": "SALE-2", "billing_agreement_id": sub_id}))
    assert response.status_code == 200
    [receipt] = [message for message in mail.outbox if "Preceptor-Beleg" in message.subject]
    assert receipt.to == [learner.email] and "Vielen Dank für Ihre Zahlung." in receipt.body
