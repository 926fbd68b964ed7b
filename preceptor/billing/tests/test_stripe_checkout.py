"""Stripe Checkout and the Customer Portal, which localstripe lacks: a small HTTP fake records what we send."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from preceptor.billing.models import Customer, Price, Subscription
from preceptor.core.models import AuditEvent

pytestmark = pytest.mark.django_db


class FakeStripe(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        FakeStripe.requests.append((self.path, form, dict(self.headers)))
        if self.path == "/v1/customers":
            body = {"id": "cus_fake1", "object": "customer"}
        elif self.path == "/v1/checkout/sessions":
            body = {
                "id": "cs_test_fake",
                "object": "checkout.session",
                "url": "https://checkout.stripe.com/c/pay/cs_test_fake",
            }
        elif self.path == "/v1/billing_portal/sessions":
            body = {
                "id": "bps_fake",
                "object": "billing_portal.session",
                "url": "https://billing.stripe.com/p/session/fake",
            }
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_stripe(settings):
    FakeStripe.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
    yield FakeStripe.requests
    server.shutdown()


def test_checkout_links_the_session_to_the_member_and_never_grants_access_by_itself(client, fake_stripe, learner):
    Price.objects.create(interval="year", currency="USD", amount=27900, stripe_price_id="price_pro_year_usd")
    client.force_login(learner)
    response = client.post(reverse("billing:checkout"), {"interval": "year", "currency": "USD", "provider": "stripe"})
    assert response.status_code == 302
    assert response.url == "https://checkout.stripe.com/c/pay/cs_test_fake"
    (_, customer, _), (path, form, headers) = fake_stripe
    assert customer["email"] == [learner.email]
    assert path == "/v1/checkout/sessions"
    assert form["mode"] == ["subscription"]
    assert form["customer"] == ["cus_fake1"]
    assert form["client_reference_id"] == [str(learner.pk)]
    assert form["metadata[preceptor_user]"] == [str(learner.pk)]
    assert form["subscription_data[metadata][preceptor_user]"] == [str(learner.pk)]
    assert form["line_items[0][price]"] == ["price_pro_year_usd"]
    assert "{CHECKOUT_SESSION_ID}" in form["success_url"][0]
    assert headers.get("Idempotency-Key")
    assert headers.get("Stripe-Version") == "2026-10-28.endive"
    assert Customer.objects.get(user=learner).provider_id == "cus_fake1"
    assert not Subscription.objects.exists()  # only the webhook grants Pro
    assert AuditEvent.objects.filter(action="billing.checkout_started", subject=learner).exists()

    # Returning from Checkout with the session id in the URL changes nothing either.
    client.get(reverse("billing:overview") + "?checkout=cs_test_fake")
    assert not Subscription.objects.exists()


def test_the_portal_is_opened_for_the_members_own_customer(client, fake_stripe, learner, outsider):
    Customer.objects.create(user=learner, provider="stripe", provider_id="cus_learner")
    Subscription.objects.create(user=learner, provider="stripe", provider_id="sub_1", status="active")
    client.force_login(learner)
    response = client.post(reverse("billing:manage"))
    assert response.url == "https://billing.stripe.com/p/session/fake"
    path, form, _ = fake_stripe[-1]
    assert (path, form["customer"]) == ("/v1/billing_portal/sessions", ["cus_learner"])
    client.force_login(outsider)
    assert client.post(reverse("billing:manage")).status_code == 404


def test_a_stripe_outage_at_checkout_is_explained(client, settings, learner):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens
    Price.objects.create(interval="month", currency="EUR", amount=2900, stripe_price_id="price_x")
    client.force_login(learner)
    response = client.post(
        reverse("billing:checkout"), {"interval": "month", "currency": "EUR", "provider": "stripe"}, follow=True
    )
    assert "The payment service is not reachable right now" in response.content.decode()
